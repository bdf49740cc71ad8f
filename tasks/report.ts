/**
 * `deno task report run=<run_id> [out=PATH]`: writes one self-contained HTML
 * report of a run (config, summary, charts, eval table with intervals,
 * samples), by default to artifacts/runs/<run_id>/report.html.
 *
 * @module
 */
import { findRunDir, parseKeyValues, parseTaskArgs, runTask, writeRunReport } from "../mod.ts";

const HELP = `Usage: deno task report run=RUN_ID [out=PATH] [out_dir=PATH]

Writes one HTML file with the run's config, summary, loss curves, learning-rate
schedule, system usage, eval table with bootstrap intervals (and, for classifiers,
the confusion matrix and calibration diagram) and samples. Charts are inline SVG and
the CSS is inline, so the file opens from disk with no network. A run that has not
been evaluated yet says so in its Evaluation section.

Keys:
  run=RUN_ID       the run (an id under out_dir, or a run folder)
  out=PATH         where to write (default artifacts/runs/RUN_ID/report.html;
                   the task may write under artifacts/ only)
  out_dir=PATH     where runs are (default artifacts/runs)
  samples=N        generated samples shown at most (default 20; 0 shows none)

Examples:
  deno task report run=20261124-161852-5e88
  deno task report run=20261124-161852-5e88 out=artifacts/reports/gpt-micro.html`;

const KEYS = ["run", "out", "out_dir", "samples"];

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, { help: { type: "boolean", short: "h" }, out: { type: "string" } });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const kv = parseKeyValues(args.overrides, KEYS, "write report");
  const run = kv.get("run");
  if (!run) throw new SyntaxError("Cannot write report: give run=RUN_ID (see deno task report --help)");
  const samples = kv.num("samples", 20);
  if (!(Number.isInteger(samples) && samples >= 0)) {
    throw new RangeError(`Cannot write report: samples must be a non-negative integer (got ${kv.get("samples")})`);
  }
  const dir = await findRunDir(kv.get("out_dir") ?? "artifacts/runs", run);
  const out = kv.get("out") ?? (typeof args.flags.out === "string" ? args.flags.out : undefined);
  const t0 = performance.now();
  const path = await writeRunReport(dir, {
    ...(out ? { out } : {}),
    maxSamples: samples,
  }).catch((err) => {
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new Error(`Cannot write report: ${out ?? dir} is outside artifacts/, where the task may write`);
    }
    throw err;
  });
  const kb = ((await Deno.stat(path)).size / 1024).toFixed(0);
  console.log(`${path} (${kb} KiB, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}

await runTask(main);
