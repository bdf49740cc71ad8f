/**
 * `deno task runs list|show|compare|rm|doctor`: the common questions about
 * the run store, without writing SQL.
 *
 * @module
 */
import { join } from "node:path";
import { findRunDir, formatTable, listRunIds, openRunStore, parseTaskArgs, runTask } from "../mod.ts";

const HELP = `Usage: deno task runs <command> [--store DIR]

Commands:
  list                       every run: id, name, status, created, steps, final val loss
  show RUN_ID                run.json, summary.json, checkpoints and the last metrics of one run
  compare RUN_ID... [--metric loss] [--split val]
                             each run's last value of a metric
  rm RUN_ID... [--yes]       delete runs (asks first unless --yes)
  doctor                     count malformed or torn lines in every NDJSON file of the store

The store is artifacts/ unless --store DIR says otherwise (runs live in DIR/runs/).`;

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    store: { type: "string" },
    metric: { type: "string" },
    split: { type: "string" },
    yes: { type: "boolean" },
  }, { allowPositionals: true });
  const [cmd, ...ids] = args.positionals;
  if (!cmd || args.flags.help) {
    console.log(HELP);
    return args.flags.help ? 0 : 2;
  }
  const storeDir = String(args.flags.store ?? "artifacts");
  const runsDir = join(storeDir, "runs");
  switch (cmd) {
    case "list":
    case "compare":
    case "show": {
      const store = await openRunStore(storeDir);
      try {
        if (cmd === "list") {
          const rows = await store.query(`
            SELECT r.run_id, r.name, r.status, strftime(r.created_at, '%Y-%m-%d %H:%M') AS created,
                   max(m.step) AS steps, arg_max(m.value, m.step) FILTER (WHERE m.split = 'val' AND m.metric = 'loss') AS val_loss
            FROM runs r LEFT JOIN metrics m USING (run_id)
            GROUP BY ALL ORDER BY r.run_id`);
          console.log(formatTable(rows));
          console.log(`(${rows.length} runs in ${runsDir})`);
          return 0;
        }
        if (!ids.length) throw new SyntaxError(`Cannot ${cmd}: give a run id (see deno task runs list)`);
        for (const id of ids) await findRunDir(runsDir, id);
        if (cmd === "compare") {
          const metric = String(args.flags.metric ?? "loss"), split = String(args.flags.split ?? "val");
          console.log(formatTable(await store.compareRuns(ids, metric, split)));
          return 0;
        }
        const dir = await findRunDir(runsDir, ids[0]!);
        console.log(await Deno.readTextFile(join(dir, "run.json")));
        try {
          const { sample: _s, ...summary } = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
          console.log(JSON.stringify(summary, null, 2));
        } catch {
          console.log("(no summary.json: the run has not ended)");
        }
        console.log(
          formatTable(
            await store.query("SELECT name, step, val_loss FROM checkpoints WHERE run_id = $r ORDER BY step", {
              r: ids[0],
            }),
          ),
        );
        console.log(formatTable(
          await store.query(
            "SELECT split, metric, arg_max(value, step) AS last_value, max(step) AS step FROM metrics WHERE run_id = $r GROUP BY ALL ORDER BY split, metric",
            { r: ids[0] },
          ),
        ));
        return 0;
      } finally {
        store.close();
      }
    }
    case "rm": {
      if (!ids.length) throw new SyntaxError("Cannot rm: give one or more run ids");
      const dirs = await Promise.all(ids.map((id) => findRunDir(runsDir, id)));
      if (!args.flags.yes) {
        if (!Deno.stdin.isTerminal()) throw new Error("Cannot rm: not asking without a terminal; pass --yes");
        const answer = prompt(`Delete ${dirs.length} run(s): ${ids.join(", ")}? [y/N]`);
        if (!/^y(es)?$/i.test(answer ?? "")) {
          console.log("Nothing deleted.");
          return 1;
        }
      }
      for (const d of dirs) await Deno.remove(d, { recursive: true });
      console.log(`Deleted ${dirs.length} run(s).`);
      return 0;
    }
    case "doctor": {
      let bad = 0;
      const files: string[] = [];
      for (const id of await listRunIds(runsDir)) {
        for (const f of ["metrics", "events", "system", "samples"]) files.push(join(runsDir, id, `${f}.ndjson`));
        files.push(join(runsDir, id, "eval", "metrics.ndjson"));
      }
      files.push(join(storeDir, "safety", "events.ndjson"), join(storeDir, "status", "findings.ndjson"));
      for (const f of files) {
        let text: string;
        try {
          text = await Deno.readTextFile(f);
        } catch {
          continue;
        }
        const lines = text.split("\n");
        const skipped = lines.filter((l, i) => {
          if (!l.trim()) return false;
          try {
            JSON.parse(l);
            return false;
          } catch {
            return i >= 0;
          }
        }).length;
        if (skipped) {
          bad += skipped;
          console.log(
            `${f}: ${skipped} line(s) skipped by queries (malformed${
              text.endsWith("\n") ? "" : " or torn at the end"
            })`,
          );
        }
      }
      console.log(bad ? `${bad} line(s) skipped in all.` : `All lines parse (${files.length} files checked).`);
      return 0;
    }
    default:
      throw new RangeError(`Cannot run runs: unknown command "${cmd}" (known: list, show, compare, rm, doctor)`);
  }
}

await runTask(main);
