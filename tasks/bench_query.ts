/**
 * `deno task bench:query`: the query layer's benchmark. Generates a store of
 * RUNS runs x STEPS steps x 4 metrics (default 100 x 10,000 x 4 = 4 million
 * metric rows), then times the best-validation-loss query
 *
 *   SELECT run_id, min(value) FROM metrics WHERE split = 'val' AND metric = 'loss' GROUP BY run_id
 *
 * cold (the first query of a new store, which writes the Parquet copies of
 * the NDJSON files; with --drop-caches also with the OS file cache dropped),
 * warm (the same store again), end to end through `deno task sql` (a new
 * process), DuckDB on the NDJSON files directly (cache off), and the same
 * answer computed with plain `JSON.parse` over the same files in Deno, as the
 * reference.
 *
 * @module
 */
import { join } from "node:path";
import { openRunStore, parseTaskArgs, runTask } from "../mod.ts";
import { fileURLToPath } from "node:url";

const HELP = `Usage: deno task bench:query [--runs 100] [--steps 10000] [--repeat 5] [--store DIR] [--drop-caches]

--store DIR     generate the store in DIR and keep it (reused when it already holds the runs);
                default: a temporary folder, removed at the end
--drop-caches   drop the OS file cache before the cold query (Linux, as root)`;

const QUERY = "SELECT run_id, min(value) AS best FROM metrics WHERE split = 'val' AND metric = 'loss' GROUP BY run_id";

async function generate(dir: string, runs: number, steps: number): Promise<number> {
  let bytes = 0;
  const t0 = Date.UTC(2026, 0, 1);
  for (let r = 0; r < runs; r++) {
    const id = `20260101-${String(r).padStart(6, "0")}-beef`;
    const runDir = join(dir, "runs", id);
    await Deno.mkdir(runDir, { recursive: true });
    await Deno.writeTextFile(
      join(runDir, "run.json"),
      JSON.stringify({ schema_version: 1, run_id: id, name: "bench", status: "finished", seed: r }),
    );
    const lines: string[] = [];
    for (let step = 1; step <= steps; step++) {
      const ts = new Date(t0 + r * 3_600_000 + step * 100).toISOString();
      const row = { step, epoch: step / 1000, ts, tokens_seen: step * 768 };
      const loss = 3 / Math.sqrt(step) + r / 1000;
      for (
        const [split, metric, value] of [
          ["train", "loss", loss],
          ["train", "lr", 1e-3],
          ["train", "grad_norm", 1 / step],
          ["val", "loss", loss + 0.1 + ((step * 7919 + r) % 13) / 1000],
        ] as const
      ) {
        lines.push(JSON.stringify({ schema_version: 1, run_id: id, ...row, split, metric, value }));
      }
    }
    const text = lines.join("\n") + "\n";
    bytes += text.length;
    await Deno.writeTextFile(join(runDir, "metrics.ndjson"), text);
    if ((r + 1) % 10 === 0) Deno.stderr.writeSync(new TextEncoder().encode(`\rgenerated ${r + 1}/${runs} runs`));
  }
  Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  return bytes;
}

// The reference: every line through JSON.parse, the minimum per run.
async function withJsonParse(dir: string): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  for await (const e of Deno.readDir(join(dir, "runs"))) {
    const text = await Deno.readTextFile(join(dir, "runs", e.name, "metrics.ndjson"));
    for (const line of text.split("\n")) {
      if (!line) continue;
      const m = JSON.parse(line);
      if (m.split === "val" && m.metric === "loss") {
        best.set(m.run_id, Math.min(best.get(m.run_id) ?? Infinity, m.value));
      }
    }
  }
  return best;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    runs: { type: "string" },
    steps: { type: "string" },
    repeat: { type: "string" },
    store: { type: "string" },
    "drop-caches": { type: "boolean" },
  });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const runs = Number(args.flags.runs ?? 100), steps = Number(args.flags.steps ?? 10_000);
  const repeat = Number(args.flags.repeat ?? 5);
  for (const [name, v] of [["runs", runs], ["steps", steps], ["repeat", repeat]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`Cannot bench: --${name} must be a positive integer`);
  }
  const keep = typeof args.flags.store === "string";
  const dir = keep ? String(args.flags.store) : await Deno.makeTempDir({ prefix: "codex-bench-query-" });
  try {
    let existing = 0;
    try {
      for await (const _ of Deno.readDir(join(dir, "runs"))) existing++;
    } catch {
      // a new store
    }
    const t0 = performance.now();
    let size = 0;
    if (existing !== runs) size = await generate(dir, runs, steps);
    else {for await (const e of Deno.readDir(join(dir, "runs"))) {
        size += (await Deno.stat(join(dir, "runs", e.name, "metrics.ndjson"))).size;
      }}
    console.log(
      `store: ${runs} runs x ${steps} steps x 4 metrics = ${(runs * steps * 4).toLocaleString("en")} rows, ` +
        `${(size / 1e6).toFixed(0)} MB in ${dir}${
          existing === runs ? " (reused)" : ` (written in ${ms(performance.now() - t0)})`
        }`,
    );

    // Cold: no Parquet copies yet.
    await Deno.remove(join(dir, ".query-cache"), { recursive: true }).catch(() => {});
    if (args.flags["drop-caches"]) {
      // Through a shell: Deno grants writes to /proc only with --allow-all.
      const drop = await new Deno.Command("sh", { args: ["-c", "sync && echo 1 > /proc/sys/vm/drop_caches"] })
        .output();
      if (!drop.success) {
        throw new Error(
          `Cannot bench: --drop-caches needs Linux and root (${new TextDecoder().decode(drop.stderr).trim()})`,
        );
      }
    }
    let t = performance.now();
    const store = await openRunStore(dir);
    const first = await store.query(QUERY);
    const cold = performance.now() - t;
    const warmTimes: number[] = [];
    for (let i = 0; i < repeat; i++) {
      t = performance.now();
      await store.query(QUERY);
      warmTimes.push(performance.now() - t);
    }
    store.close();
    const warm = median(warmTimes);

    const task = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks.sql as string;
    const endToEnd: number[] = [];
    for (let i = 0; i < Math.min(repeat, 3); i++) {
      t = performance.now();
      const out = await new Deno.Command(Deno.execPath(), {
        args: [...task.split(/\s+/).slice(1), "--store", dir, "--format", "json", QUERY],
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        stdout: "piped",
        stderr: "piped",
      }).output();
      endToEnd.push(performance.now() - t);
      if (out.code !== 0) {
        throw new Error(`Cannot bench: deno task sql failed: ${new TextDecoder().decode(out.stderr)}`);
      }
    }

    const direct = await openRunStore(dir, { cache: false });
    const directTimes: number[] = [];
    for (let i = 0; i < Math.min(repeat, 3); i++) {
      t = performance.now();
      await direct.query(QUERY);
      directTimes.push(performance.now() - t);
    }
    direct.close();

    const parseTimes: number[] = [];
    let reference = new Map<string, number>();
    for (let i = 0; i < Math.min(repeat, 3); i++) {
      t = performance.now();
      reference = await withJsonParse(dir);
      parseTimes.push(performance.now() - t);
    }
    const parse = median(parseTimes);
    const same = first.length === reference.size && first.every((r) => reference.get(r.run_id as string) === r.best);
    if (!same) throw new Error("Cannot bench: DuckDB and JSON.parse disagree on the answer");

    const rows = [
      [
        `DuckDB, cold: first query, writes the Parquet copies${args.flags["drop-caches"] ? ", OS cache dropped" : ""}`,
        cold,
      ],
      [`DuckDB, warm (median of ${repeat})`, warm],
      [`deno task sql end to end (new process, median of ${endToEnd.length})`, median(endToEnd)],
      [`DuckDB on the NDJSON directly, cache off (median of ${directTimes.length})`, median(directTimes)],
      [`JSON.parse in Deno, reference (median of ${parseTimes.length})`, parse],
    ] as const;
    for (const [label, v] of rows) console.log(`${label.padEnd(70)} ${ms(v).padStart(9)}  x${(parse / v).toFixed(1)}`);
    console.log(
      `(x: JSON.parse time / this time; answers checked equal for ${first.length} runs; warm target < 1000 ms: ${
        warm < 1000 ? "met" : "missed"
      })`,
    );
    return 0;
  } finally {
    if (!keep) await Deno.remove(dir, { recursive: true });
  }
}

await runTask(main);
