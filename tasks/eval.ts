/**
 * `deno task eval run=<run_id> [key=value ...]` or
 * `deno task eval predictions=FILE.jsonl [key=value ...]`: evaluates a
 * trained run or a file of classification predictions, with bootstrap
 * intervals, and writes eval/metrics.ndjson, eval/metrics.csv and (for runs)
 * eval/predictions.ndjson.
 *
 * @module
 */
import {
  type EvalRow,
  evaluatePredictions,
  evaluateRun,
  listMetrics,
  parseKeyValues,
  parseTaskArgs,
  runTask,
} from "../mod.ts";

const HELP = `Usage: deno task eval run=RUN_ID [key=value ...]
       deno task eval predictions=FILE.jsonl [key=value ...]

A language-model run: cross-entropy, perplexity and token accuracy over every window
of a split, with bootstrap intervals over windows, and distinct-1/2 of seeded samples.
Writes artifacts/runs/RUN_ID/eval/{metrics.ndjson,metrics.csv,predictions.ndjson}.

A predictions file (one JSON object per line with label, prediction and optionally
score): the chosen metrics with intervals, written to FILE.eval/.

Keys:
  run=RUN_ID             the run to evaluate
  checkpoint=WHICH       best (default), latest, or step-000500
  split=val|train        (default val)
  predictions=FILE       evaluate a predictions file instead of a run
  metrics=[a,b]          for predictions (default [accuracy,precision,recall,f1]); known:
                         ${listMetrics().map((m) => m.name).join(", ")}
  average=MODE           binary (default), macro, micro, weighted
  pos_label=L            the positive class for binary metrics
  label_field=, prediction_field=, score_field=   field names (label, prediction, score)
  bootstrap=N            resamples (default 1000; 0 = no intervals)
  method=percentile|bca  interval method (default percentile)
  level=0.95             confidence level
  seed=N                 resampling and sampling seed (default 0)
  samples=N              generations for distinct-1/2 (default 8)
  out_dir=PATH           where runs are (default artifacts/runs)

Examples:
  deno task eval run=20261124-161852-5e88 method=bca
  deno task eval predictions=preds.jsonl metrics=[accuracy,f1,roc_auc] average=macro`;

const KEYS = [
  "run",
  "checkpoint",
  "split",
  "predictions",
  "metrics",
  "average",
  "pos_label",
  "label_field",
  "prediction_field",
  "score_field",
  "bootstrap",
  "method",
  "level",
  "seed",
  "samples",
  "out_dir",
];

function table(rows: EvalRow[]): string {
  const cells = rows.map((r) => [
    r.split,
    r.metric,
    r.value.toFixed(4),
    r.ci_low === null ? "" : `[${r.ci_low.toFixed(4)}, ${r.ci_high!.toFixed(4)}]`,
    String(r.n),
  ]);
  const head = ["split", "metric", "value", "interval", "n"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i >= 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, { help: { type: "boolean", short: "h" } });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const kv = parseKeyValues(args.overrides, KEYS, "evaluate");
  const num = kv.num;
  const method = (kv.get("method") ?? "percentile") as "percentile" | "bca";
  const samples = num("bootstrap", 1000);
  const boot = samples > 0 ? { samples, method, level: num("level", 0.95), seed: num("seed", 0) } : false as const;
  const t0 = performance.now();
  let rows: EvalRow[], where: string;
  if (kv.has("predictions")) {
    const path = kv.get("predictions")!;
    const metrics = (kv.get("metrics") ?? "accuracy,precision,recall,f1").replace(/^\[|\]$/g, "").split(",").map((s) =>
      s.trim()
    )
      .filter(Boolean);
    const metricOptions: Record<string, unknown> = {};
    if (kv.has("average")) metricOptions.average = kv.get("average");
    if (kv.has("pos_label")) {
      const raw = kv.get("pos_label")!;
      metricOptions.pos_label = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    }
    rows = await evaluatePredictions(path, {
      metrics,
      metricOptions,
      bootstrap: boot,
      ...(kv.has("label_field") ? { labelField: kv.get("label_field")! } : {}),
      ...(kv.has("prediction_field") ? { predictionField: kv.get("prediction_field")! } : {}),
      ...(kv.has("score_field") ? { scoreField: kv.get("score_field")! } : {}),
    });
    where = `${path.replace(/\.(nd)?jsonl?$/i, "")}.eval/`;
  } else {
    const run = kv.get("run");
    if (!run) throw new SyntaxError("Cannot evaluate: give run=RUN_ID or predictions=FILE (see deno task eval --help)");
    const split = kv.get("split") ?? "val";
    if (split !== "val" && split !== "train") {
      throw new RangeError(`Cannot evaluate: split must be val or train (got "${split}")`);
    }
    console.error(`codex eval: run ${run}, checkpoint ${kv.get("checkpoint") ?? "best"}, split ${split}`);
    rows = await evaluateRun(run, {
      checkpoint: kv.get("checkpoint") ?? "best",
      split,
      bootstrap: boot,
      generation: { samples: num("samples", 8), seed: num("seed", 0) },
      ...(kv.has("out_dir") ? { outDir: kv.get("out_dir")! } : {}),
    });
    where = `the run's eval/ folder`;
  }
  console.log(table(rows));
  const level = boot
    ? `${(boot.level * 100).toFixed(0)}% ${boot.method} intervals, ${boot.samples} resamples`
    : "no intervals";
  console.log(
    `\n${rows.length} metrics (${level}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; written to ${where}`,
  );
  return 0;
}

await runTask(main);
