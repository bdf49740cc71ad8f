/**
 * `deno task runs list|show|compare|rm|doctor|export`: the common questions
 * about the run store, without writing SQL.
 *
 * @module
 */
import { basename, join } from "node:path";
import {
  exportRunToMlflow,
  exportRunToTensorboard,
  findRunDir,
  formatRows,
  listRunIds,
  mlflowOptionsFromEnv,
  openRunStore,
  parseTaskArgs,
  type Row,
  type RunStore,
  runTask,
} from "../mod.ts";

const HELP = `Usage: deno task runs <command> [--store DIR]

Commands:
  list                         every run: id, name, status, created, last step, last val loss
  show RUN_ID                  run.json, summary.json, checkpoints, last metrics and evals of one run
  compare RUN_ID... [--metric loss] [--split val]
                               each run's last value of a metric, best first
  rm RUN_ID... [--yes]         delete runs with their checkpoints (asks first unless --yes)
  doctor                       which files have lines that queries skip, and how many
  export RUN_ID...             send runs to MLflow (MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_NAME or _ID,
                               MLFLOW_TRACKING_TOKEN or _USERNAME/_PASSWORD)
  export --format tensorboard [RUN_ID... | run=RUN_ID] [--out DIR]
                               write runs' TensorBoard event files from their records (every run that is
                               not running when none is named), into each run's tb/ or DIR/<run_id>/;
                               then: tensorboard --logdir artifacts/runs

The store is artifacts/ unless --store DIR says otherwise (runs live in DIR/runs/).
For anything else: deno task sql "<SQL>".`;

const table = (rows: Row[]) => formatRows(rows, "table").trimEnd();

async function list(store: RunStore): Promise<void> {
  const rows = await store.query(`
    SELECT r.run_id, r.name, r.status, strftime(r.created_at, '%Y-%m-%d %H:%M') AS created, max(m.step) AS steps,
           arg_max_null(m.value, m.step) FILTER (WHERE m.split = 'val' AND m.metric = 'loss') AS val_loss
    FROM runs r LEFT JOIN metrics m USING (run_id)
    GROUP BY ALL ORDER BY r.run_id`);
  console.log(table(rows));
  console.log(`(${rows.length} run${rows.length === 1 ? "" : "s"} in ${join(store.dir, "runs")})`);
}

async function show(store: RunStore, dir: string, id: string): Promise<void> {
  const [info] = await store.query("SELECT * FROM runs WHERE run_id = $id", { id });
  const fields = (o: Record<string, unknown>) =>
    table(Object.entries(o).map(([field, value]) => ({ field, value: value instanceof Date ? value : value ?? "" })));
  if (info) console.log(fields(info));
  else console.log(`(run.json of ${dir} is skipped by queries: see deno task runs doctor)`);
  try {
    const { sample: _sample, schema_version: _v, run_id: _id, ...summary } = JSON.parse(
      await Deno.readTextFile(join(dir, "summary.json")),
    );
    console.log("\nsummary\n" + fields(summary));
  } catch {
    console.log("\n(no summary.json: the run has not ended)");
  }
  const sections: [string, string][] = [
    ["checkpoints", "SELECT name, step, val_loss, is_latest, is_best, size_bytes FROM checkpoints WHERE run_id = $id"],
    [
      "metrics (last values)",
      `SELECT split, metric, arg_max_null(value, step) AS last, max(step) AS step, min(value) AS min, max(value) AS max,
              count(*) AS n FROM metrics WHERE run_id = $id GROUP BY ALL ORDER BY split, metric`,
    ],
    ["evals", "SELECT dataset, split, metric, value, ci_low, ci_high, n, step FROM evals WHERE run_id = $id"],
  ];
  for (const [title, sql] of sections) {
    const rows = await store.query(`${sql}${title === "checkpoints" ? " ORDER BY step" : ""}`, { id });
    if (rows.length) console.log(`\n${title}\n${table(rows)}`);
  }
}

async function answer(question: string): Promise<string | null> {
  if (Deno.stdin.isTerminal()) return prompt(question);
  // Piped: the first line of stdin.
  await Deno.stdout.write(new TextEncoder().encode(question + " "));
  let text = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  return text ? text.split("\n")[0]! : null;
}

async function doctor(store: RunStore): Promise<void> {
  const { files, skipped } = await store.check();
  for (const s of skipped) {
    if (s.unit === "file") {
      console.log(`${s.file}: skipped by queries (not a JSON object, or a required field missing or mistyped)`);
    } else {
      const why = s.tornEnd ? "malformed or torn at the end" : "malformed: not JSON, or a required field missing";
      console.log(`${s.file}: ${s.skipped} line(s) skipped by queries (${why}) of ${s.total}`);
    }
  }
  const lines = skipped.reduce((n, s) => n + s.skipped, 0);
  console.log(
    skipped.length
      ? `${lines} line(s) or file(s) skipped in ${skipped.length} of ${files} files checked.`
      : `All lines parse (${files} files checked).`,
  );
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    store: { type: "string" },
    metric: { type: "string" },
    split: { type: "string" },
    yes: { type: "boolean", short: "y" },
    format: { type: "string" },
    out: { type: "string" },
  }, { allowPositionals: true });
  const [cmd, ...positionalIds] = args.positionals;
  // Runs may also be named as run=ID (as deno task eval takes them).
  const ids = [...positionalIds];
  for (const o of args.overrides) {
    if (o.startsWith("run=") && cmd === "export") ids.push(o.slice("run=".length));
    else throw new SyntaxError(`Cannot run runs: unexpected argument "${o}" (only export takes run=RUN_ID)`);
  }
  const format = String(args.flags.format ?? "mlflow");
  if (!["mlflow", "tensorboard"].includes(format)) {
    throw new RangeError(`Cannot export: unknown --format "${format}" (known: mlflow, tensorboard)`);
  }
  if (!cmd || args.flags.help) {
    console.log(HELP);
    return args.flags.help ? 0 : 2;
  }
  const storeDir = String(args.flags.store ?? "artifacts");
  const runsDir = join(storeDir, "runs");
  const needIds = ["show", "compare", "rm", "export"];
  if (!needIds.includes(cmd) && !["list", "doctor"].includes(cmd)) {
    throw new RangeError(`Cannot run runs: unknown command "${cmd}" (known: list, show, compare, rm, doctor, export)`);
  }
  const tensorboard = cmd === "export" && format === "tensorboard";
  if (needIds.includes(cmd) && !ids.length && !tensorboard) {
    throw new SyntaxError(`Cannot ${cmd}: give a run id (see deno task runs list)`);
  }
  const dirs = await Promise.all(ids.map((id) => findRunDir(runsDir, id)));
  // An id may also be given as the run's folder.
  const runIds = dirs.map((d) => basename(d));

  if (cmd === "rm") {
    if (!args.flags.yes) {
      const reply = await answer(`Delete ${dirs.length} run(s) with their checkpoints: ${runIds.join(", ")}? [y/N]`);
      if (reply === null) throw new Error("Cannot rm: no answer on stdin; pass --yes to delete without asking");
      if (!/^\s*y(es)?\s*$/i.test(reply)) {
        console.log("Nothing deleted.");
        return 1;
      }
    }
    for (const d of dirs) await Deno.remove(d, { recursive: true });
    console.log(`Deleted ${dirs.length} run(s).`);
    return 0;
  }
  if (tensorboard) {
    // With no run named: every run that has ended.
    const chosen = ids.length ? dirs : [];
    if (!ids.length) {
      for (const id of await listRunIds(runsDir)) {
        try {
          const info = JSON.parse(await Deno.readTextFile(join(runsDir, id, "run.json")));
          if (info.status !== "running") chosen.push(join(runsDir, id));
        } catch {
          console.log(`${id}: skipped (run.json does not parse)`);
        }
      }
      if (!chosen.length) console.log(`(no ended runs in ${runsDir})`);
    }
    const out = args.flags.out === undefined ? undefined : String(args.flags.out);
    for (const d of chosen) {
      const r = await exportRunToTensorboard(d, out ? { outDir: join(out, basename(d)) } : {});
      console.log(
        `${basename(d)} -> ${r.path}: ${r.scalars} scalars, ${r.texts} texts` +
          `${r.replaced.length ? ` (replaced ${r.replaced.join(", ")})` : ""}` +
          `${r.skippedLines ? `; ${r.skippedLines} bad line(s) left out` : ""}`,
      );
    }
    if (chosen.length) console.log(`View: tensorboard --logdir ${out ?? runsDir}`);
    return 0;
  }
  if (cmd === "export") {
    const mlflow = mlflowOptionsFromEnv();
    if (!mlflow) throw new Error("Cannot export: set MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000)");
    for (const [i, d] of dirs.entries()) {
      const r = await exportRunToMlflow(d, mlflow);
      console.log(
        `${
          runIds[i]
        } -> MLflow run ${r.runId} (experiment ${r.experimentId}): ${r.params} params, ${r.metrics} metric ` +
          `values, ${r.artifacts.length} files${r.artifactsSkipped ? ` (no files: ${r.artifactsSkipped})` : ""}` +
          `${r.skippedLines ? `; ${r.skippedLines} bad line(s) left out` : ""}\n  ${r.url}`,
      );
    }
    return 0;
  }

  const store = await openRunStore(storeDir);
  try {
    if (cmd === "list") await list(store);
    else if (cmd === "doctor") await doctor(store);
    else if (cmd === "show") await show(store, dirs[0]!, runIds[0]!);
    else {
      const metric = String(args.flags.metric ?? "loss"), split = String(args.flags.split ?? "val");
      const rows = await store.compareRuns(runIds, metric, split);
      console.log(rows.length ? table(rows as unknown as Row[]) : `(no ${split}/${metric} values in these runs)`);
    }
    return 0;
  } finally {
    store.close();
  }
}

await runTask(main);
