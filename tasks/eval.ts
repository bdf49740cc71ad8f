/**
 * `deno task eval run=<run_id> [key=value ...]` or
 * `deno task eval predictions=FILE.jsonl [key=value ...]`: scores a trained
 * run (language model or classifier) or a file of classification
 * predictions, with bootstrap intervals, prints a table, and writes
 * eval/metrics.ndjson, eval/metrics.csv and (for runs) eval/predictions.ndjson.
 *
 * @module
 */
import {
  type BootstrapOptions,
  type ClashPolicy,
  type EvalResult,
  evaluate,
  type EvaluateOptions,
  exportRunToTensorboard,
  findRunDir,
  formatTable,
  listMetrics,
  loadMetricPlugin,
  parseKeyValues,
  parseTaskArgs,
  readRunConfig,
  runTask,
} from "../mod.ts";
import { join } from "node:path";

const HELP = `Usage: deno task eval run=RUN_ID [key=value ...]
       deno task eval predictions=FILE.jsonl [key=value ...]

A language-model run: cross-entropy, perplexity and token accuracy over every window
of the validation split, with bootstrap intervals over windows, and distinct-1/2 of
seeded samples. A classification run: accuracy, precision, recall, F1 (macro), ROC AUC,
log loss and ECE on its held-out test split, with intervals over examples, and the
confusion matrix. Writes artifacts/runs/RUN_ID/eval/{metrics.ndjson,metrics.csv,predictions.ndjson}.

A predictions file (one JSON object per line with label, prediction and optionally
score: a probability or a probability row): the chosen metrics with intervals,
written to FILE.eval/.

Keys:
  run=RUN_ID             the run to evaluate (an id under out_dir, or a run folder)
  checkpoint=WHICH       best (default), latest, or step-000500
  data=NAME | [a,b]      datasets to score (default: the run's own)
  split=NAME             language models: val (default) or train; classifiers: test
                         (default), val or train of the run's split, or all (other data: all)
  predictions=FILE       evaluate a predictions file instead of a run
  metrics=[a,b]          which metrics (defaults above; predictions: accuracy, precision,
                         recall, f1); known: ${listMetrics().map((m) => m.name).join(", ")}
  average=MODE           precision/recall/F1: binary, macro (default for runs), micro, weighted
  pos_label=L            the positive class for binary metrics
  label_field=, prediction_field=, score_field=   field names (label, prediction, score)
  plugin=PATH | [a,b]    modules exporting more metrics (metrics: Metric[])
  on_clash=POLICY        a plugin metric's name is taken: error (default), prefer-local,
                         prefer-plugin, shadow
  bootstrap=N            resamples (default: the run's eval.bootstrap, else 1000; 0 = none)
  method=percentile|bca  interval method (default: the run's eval.method, else percentile)
  level=0.95             confidence level
  seed=N                 resampling and sampling seed (default 0)
  samples=N              language models: generations for distinct-1/2 (default 8)
  max_new_tokens=N       language models: tokens per generation (default 200)
  out_dir=PATH           where runs are (default artifacts/runs)

Examples:
  deno task eval run=20261124-161852-5e88 method=bca
  deno task eval run=20261124-175143-f80e data=spam-assassin metrics=[accuracy,f1]
  deno task eval predictions=preds.jsonl metrics=[accuracy,f1,roc_auc] average=macro`;

const KEYS = [
  "run",
  "checkpoint",
  "data",
  "split",
  "predictions",
  "metrics",
  "average",
  "pos_label",
  "label_field",
  "prediction_field",
  "score_field",
  "plugin",
  "on_clash",
  "bootstrap",
  "method",
  "level",
  "seed",
  "samples",
  "max_new_tokens",
  "out_dir",
];

/** `a`, `[a,b]` or `a,b` as a list. */
function list(raw: string): string[] {
  return raw.replace(/^\[|\]$/g, "").split(",").map((s) => s.trim()).filter(Boolean);
}

function show(result: EvalResult): string {
  const table = formatTable(result.rows.map((r) => ({
    dataset: r.dataset,
    split: r.split,
    metric: r.metric,
    value: r.value.toFixed(4),
    interval: r.ci_low === null ? "" : `[${r.ci_low.toFixed(4)}, ${r.ci_high!.toFixed(4)}]`,
    n: r.n,
  })));
  const matrices = result.confusion.map(({ dataset, labels, matrix }) => {
    const rows = labels.map((l, i) => ({
      "reference \\ predicted": String(l),
      ...Object.fromEntries(labels.map((p, j) => [String(p), matrix[i]![j]!])),
    }));
    return `\nConfusion matrix, ${dataset}:\n${formatTable(rows)}`;
  });
  return [table, ...matrices].join("\n");
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, { help: { type: "boolean", short: "h" } });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const kv = parseKeyValues(args.overrides, KEYS, "evaluate");
  if (!kv.has("run") && !kv.has("predictions")) {
    throw new SyntaxError("Cannot evaluate: give run=RUN_ID or predictions=FILE (see deno task eval --help)");
  }
  for (const path of list(kv.get("plugin") ?? "")) {
    const added = await loadMetricPlugin(path, { onClash: (kv.get("on_clash") ?? "error") as ClashPolicy });
    console.error(`codex eval: plugin ${path} added ${added.length ? added.join(", ") : "no metrics"}`);
  }
  const method = kv.get("method");
  if (method !== undefined && method !== "percentile" && method !== "bca") {
    throw new RangeError(`Cannot evaluate: method must be percentile or bca (got "${method}")`);
  }
  const boot: BootstrapOptions = {
    ...(kv.has("bootstrap") ? { samples: kv.num("bootstrap", 1000) } : {}),
    ...(method ? { method } : {}),
    ...(kv.has("level") ? { level: kv.num("level", 0.95) } : {}),
    seed: kv.num("seed", 0),
  };
  const metricOptions: Record<string, unknown> = {};
  if (kv.has("average")) metricOptions.average = kv.get("average");
  if (kv.has("pos_label")) {
    const raw = kv.get("pos_label")!;
    metricOptions.pos_label = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  const fields = {
    ...(kv.has("label_field") ? { label: kv.get("label_field")! } : {}),
    ...(kv.has("prediction_field") ? { prediction: kv.get("prediction_field")! } : {}),
    ...(kv.has("score_field") ? { score: kv.get("score_field")! } : {}),
  };
  const options: EvaluateOptions = {
    bootstrap: kv.get("bootstrap") === "0" ? false : boot,
    metricOptions,
    fields,
    log: (msg) => console.error(`codex eval: ${msg}`),
    ...(kv.has("metrics") ? { metrics: list(kv.get("metrics")!) } : {}),
    ...(kv.has("data") ? { datasets: list(kv.get("data")!) } : {}),
    ...(kv.has("split") ? { split: kv.get("split")! } : {}),
    ...(kv.has("checkpoint") ? { checkpoint: kv.get("checkpoint")! } : {}),
    ...(kv.has("out_dir") ? { runsDir: kv.get("out_dir")! } : {}),
    generation: { samples: kv.num("samples", 8), maxNewTokens: kv.num("max_new_tokens", 200), seed: kv.num("seed", 0) },
  };
  const t0 = performance.now();
  // The trackers: eval/ in the run folder, and the run's TensorBoard file (rebuilt with the results) if it has one on.
  let tensorboard: string | null = null;
  if (kv.has("predictions")) options.predictions = kv.get("predictions")!;
  else {
    options.run = kv.get("run")!;
    const runDir = await findRunDir(options.runsDir ?? "artifacts/runs", options.run);
    let tb = "";
    if ((await readRunConfig(runDir)).tracking.tensorboard) {
      const status = JSON.parse(await Deno.readTextFile(join(runDir, "run.json"))).status;
      tensorboard = status === "running" ? null : runDir;
      tb = `, tensorboard ${status === "running" ? "off (the run is still running)" : join(runDir, "tb")}`;
    }
    console.error(
      `codex eval: run ${options.run}, checkpoint ${options.checkpoint ?? "best"}\n` +
        `  trackers ndjson ${join(runDir, "eval")}${tb}`,
    );
  }
  const result = await evaluate(options);
  if (tensorboard) {
    try {
      await exportRunToTensorboard(tensorboard);
    } catch (err) {
      console.warn(`warning: ${(err as Error).message}; the results are in ${result.dir}/`);
    }
  }
  console.log(show(result));
  const b = result.bootstrap;
  const intervals = b ? `${b.level * 100}% ${b.method} intervals, ${b.samples} resamples` : "no intervals";
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`\n${result.rows.length} metrics (${intervals}) in ${secs} s; written to ${result.dir}/`);
  return 0;
}

await runTask(main);
