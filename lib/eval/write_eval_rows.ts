/**
 * Writes evaluation rows: appended to `metrics.ndjson` (each with
 * `schema_version`) and the whole history rewritten as `metrics.csv`.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/mod.ts";
import { type EvalRecord, NdjsonWriter, readNdjson, SCHEMA_VERSION } from "../telemetry/mod.ts";

/** One row of an evaluation: a metric's value on a dataset split, with its interval. */
export type EvalRow = Omit<EvalRecord, "schema_version">;

/**
 * The columns of `metrics.csv`, in order (those of DESIGN.md's `eval/metrics.ndjson`).
 *
 * @example
 * ```ts
 * import { EVAL_CSV_COLUMNS, writeEvalRows } from "./write_eval_rows.ts";
 * const dir = await Deno.makeTempDir();
 * await writeEvalRows(dir, [{
 *   run_id: "r", dataset: "toy", split: "test", metric: "accuracy", value: 0.5, n: 2,
 *   ci_low: null, ci_high: null, step: 0, ts: "2026-01-01T00:00:00.000Z",
 * }]);
 * const [header, row] = (await Deno.readTextFile(`${dir}/metrics.csv`)).split("\n");
 * await Deno.remove(dir, { recursive: true });
 * if (header !== EVAL_CSV_COLUMNS.join(",")) throw new Error(header);
 * if (row !== "r,toy,test,accuracy,0.5,2,,,0,2026-01-01T00:00:00.000Z") throw new Error(row);
 * ```
 */
export const EVAL_CSV_COLUMNS = [
  "run_id",
  "dataset",
  "split",
  "metric",
  "value",
  "n",
  "ci_low",
  "ci_high",
  "step",
  "ts",
] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Appends `rows` to `dir/metrics.ndjson` and rewrites `dir/metrics.csv`
 * with every row so far (earlier evaluations included).
 *
 * @example
 * ```ts ignore
 * import { writeEvalRows } from "./write_eval_rows.ts";
 * await writeEvalRows("artifacts/runs/20261124-161852-5e88/eval", rows);
 * ```
 */
export async function writeEvalRows(dir: string, rows: readonly EvalRow[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const w = new NdjsonWriter<EvalRecord>(join(dir, "metrics.ndjson"));
  for (const r of rows) w.write({ schema_version: SCHEMA_VERSION, ...r });
  w.close();
  const all = await readNdjson<EvalRecord>(join(dir, "metrics.ndjson"));
  const lines = all.map((r) => EVAL_CSV_COLUMNS.map((c) => csvCell(r[c])).join(","));
  await writeFileAtomic(join(dir, "metrics.csv"), [EVAL_CSV_COLUMNS.join(","), ...lines].join("\n") + "\n");
}
