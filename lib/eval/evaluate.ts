/**
 * The eval runner: one call that scores a trained run (language model or
 * classifier), a model in memory, or a file of predictions on one or more
 * datasets, with bootstrap intervals, and writes `eval/metrics.ndjson`,
 * `eval/metrics.csv` and `eval/predictions.ndjson`.
 *
 * @module
 */
import { join } from "node:path";
import type { RunConfig } from "../config/mod.ts";
import { loadLabelledDataset, loadText, type SplitManifest, splitTail } from "../data/mod.ts";
import {
  type ClassificationModel,
  generate,
  getModelEntry,
  isLanguageModel,
  type LanguageModel,
} from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { sanitize } from "../safety/mod.ts";
import { findRunDir, NdjsonWriter, readNdjson, SCHEMA_VERSION } from "../telemetry/mod.ts";
import type { CharTokenizer, Tokenizer, WordTokenizer } from "../tokenizers/mod.ts";
import { loadRunModel, readRunConfig } from "../train/mod.ts";
import { bootstrap, type BootstrapOptions } from "./bootstrap.ts";
import { loadClassifierRun } from "./load_classifier_run.ts";
import type { Metric, MetricInputs } from "./metric.ts";
import { getMetric } from "./metric_registry.ts";
import { scoreClassifier } from "./score_classifier.ts";
import { scoreLanguageModel } from "./score_language_model.ts";
import { type EvalRow, writeEvalRows } from "./write_eval_rows.ts";

/** What {@linkcode evaluate} scores and how. Give exactly one of `run`, `model` or `predictions`. */
export interface EvaluateOptions {
  /** A run id (under `runsDir`) or a run folder: a language-model or a classification run. */
  run?: string;
  /** Where runs are (default `artifacts/runs`). */
  runsDir?: string;
  /** `best` (default), `latest`, or a checkpoint folder such as `step-000400`. */
  checkpoint?: string;
  /** A model in memory instead of a run: a language model with its tokenizer (any kind), or a classifier with a word tokenizer and `labels`. */
  model?: LanguageModel | ClassificationModel;
  /** The in-memory model's tokenizer. */
  tokenizer?: Tokenizer | CharTokenizer | WordTokenizer;
  /** A classifier's class names, in output order. */
  labels?: string[];
  /** A JSONL/NDJSON file of predictions instead: one record per example with a label, a prediction and optionally a score. */
  predictions?: string;
  /** Field names of a predictions file (defaults `label`, `prediction`, `score`). */
  fields?: { label?: string; prediction?: string; score?: string };
  /** Datasets to score (default: the run's own). */
  datasets?: string[];
  /**
   * The split: for a language model `val` (default) or `train` of the held-out tail; for a
   * classifier on its own dataset `test` (default), `val` or `train` of the run's manifest, or
   * `all` (the only choice for any other dataset).
   */
  split?: string;
  /** Metrics (defaults: cross_entropy, perplexity, token_accuracy for language models; accuracy, precision, recall, f1, roc_auc, log_loss, ece for classifiers). */
  metrics?: string[];
  /** Options passed to every metric (`average`, `pos_label`, `n_bins`, ...); classifiers default to `average: "macro"`. */
  metricOptions?: Record<string, unknown>;
  /**
   * Bootstrap intervals over examples (windows, for language models); `false` for none. What is not
   * given comes from the run's `eval` config (no intervals when it has no `bootstrap`), else 1,000
   * percentile resamples at 95%, seed 0.
   */
  bootstrap?: BootstrapOptions | false;
  /** Language models: seeded samples scored by distinct-1/2 (default 8 samples of 200 tokens, seed 0; 0 samples skips). */
  generation?: { samples?: number; maxNewTokens?: number; seed?: number; temperature?: number };
  /** In-memory language models: the held-out fraction of the data (default 0.1). */
  valFraction?: number;
  /** In-memory classifiers: word ids kept per text (default 256). */
  maxTokens?: number;
  /** Where to write the files: default `<run>/eval/` for runs, `<file stem>.eval/` for predictions files, nowhere for in-memory models. */
  evalDir?: string;
  /** Told what is being scored, for a progress display. */
  log?: (message: string) => void;
}

/** What {@linkcode evaluate} found. */
export interface EvalResult {
  /** One row per dataset and metric (the `eval/metrics.ndjson` records without `schema_version`). */
  rows: EvalRow[];
  /** Where the files were written, or null. */
  dir: string | null;
  /** The bootstrap settings used, or null when no intervals were computed. */
  bootstrap: Required<BootstrapOptions> | null;
  /** Classifiers and predictions files: the confusion matrix per dataset (rows = references). */
  confusion: { dataset: string; labels: (string | number | boolean)[]; matrix: number[][] }[];
}

const LM_METRICS = ["cross_entropy", "perplexity", "token_accuracy"];
const GENERATION_METRICS = ["distinct_1", "distinct_2"];
const CLASSIFIER_METRICS = ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "ece"];

/** The bootstrap settings: the options over the run's `eval` config over 1,000 percentile resamples at 95%. */
function bootstrapSettings(o: EvaluateOptions, config?: RunConfig): Required<BootstrapOptions> | null {
  if (o.bootstrap === false) return null;
  const e = config?.eval;
  if (!o.bootstrap && e && e.bootstrap === undefined) return null;
  const base = { samples: e?.bootstrap ?? 1000, seed: 0, level: e?.level ?? 0.95, method: e?.method ?? "percentile" };
  return { ...base, ...o.bootstrap } as Required<BootstrapOptions>;
}

/** A row per metric: its value on `inputs` and, when `boot` is set, a bootstrap interval. */
function metricRows(
  metrics: readonly (string | Metric)[],
  inputs: MetricInputs,
  boot: BootstrapOptions | null,
  base: Omit<EvalRow, "metric" | "value" | "n" | "ci_low" | "ci_high">,
): EvalRow[] {
  return metrics.map((metric) => {
    const m = typeof metric === "string" ? getMetric(metric) : metric;
    const value = m.compute(inputs);
    if (typeof value !== "number") {
      throw new TypeError(`Cannot evaluate ${m.name}: its value is not a number (use it through getMetric)`);
    }
    const ci = boot ? bootstrap(m, inputs, boot) : null;
    return {
      ...base,
      metric: m.name,
      value,
      n: ci?.n ?? inputs.predictions.length,
      ci_low: ci?.low ?? null,
      ci_high: ci?.high ?? null,
    };
  });
}

/**
 * Scores a run, a model in memory, or a predictions file, and writes the
 * evaluation files (see {@linkcode EvaluateOptions}).
 *
 * @example Score a classification run's held-out test split
 * ```ts ignore
 * import { evaluate } from "./evaluate.ts";
 * const { rows } = await evaluate({ run: "20261124-175143-f80e", metrics: ["accuracy", "f1"], bootstrap: { method: "bca" } });
 * for (const r of rows) console.log(r.metric, r.value, r.ci_low, r.ci_high);
 * ```
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalResult> {
  const given = [options.run, options.model, options.predictions].filter((x) => x !== undefined).length;
  if (given !== 1) throw new TypeError("Cannot evaluate: give exactly one of run, model or predictions");
  if (options.predictions !== undefined) return await evaluatePredictionsFile(options.predictions, options);
  if (options.model !== undefined) {
    if (!options.tokenizer) throw new TypeError("Cannot evaluate a model: it needs its tokenizer");
    if (!options.datasets?.length) throw new TypeError("Cannot evaluate a model: name the datasets to score");
    return isLanguageModel(options.model)
      ? await evaluateLanguageModel(options.model, options.tokenizer as LanguageModelTokenizer, null, options)
      : await evaluateClassifier(options.model, options.tokenizer as WordTokenizer, null, options);
  }
  const runsDir = options.runsDir ?? "artifacts/runs";
  const runDir = await findRunDir(runsDir, options.run!);
  const task = getModelEntry((await readRunConfig(runDir)).model.name).task;
  const which = options.checkpoint ?? "best";
  if (task === "classification") {
    const r = await loadClassifierRun(runDir, { which, runsDir });
    try {
      return await evaluateClassifier(r.model, r.tokenizer, r, options);
    } finally {
      r.model.dispose();
    }
  }
  const r = await loadRunModel(runDir, { which, outDir: runsDir });
  try {
    return await evaluateLanguageModel(r.model, r.tokenizer, r, options);
  } finally {
    r.model.dispose();
  }
}

interface RunContext {
  config: RunConfig;
  runDir: string;
  checkpoint: { step: number };
}

async function runId(ctx: RunContext | null): Promise<string> {
  if (!ctx) return "in-memory";
  return JSON.parse(await Deno.readTextFile(join(ctx.runDir, "run.json"))).run_id as string;
}

/** Writes `predictions.ndjson` through a temporary name, so a crash never leaves half a file. */
async function writePredictions(dir: string, records: Iterable<Record<string, unknown>>): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, "predictions.ndjson.tmp");
  const w = new NdjsonWriter<Record<string, unknown>>(tmp);
  for (const r of records) w.write({ schema_version: SCHEMA_VERSION, ...r });
  w.close();
  await Deno.rename(tmp, join(dir, "predictions.ndjson"));
}

/** What scoring a language model needs of its tokenizer (a {@linkcode Tokenizer} or a {@linkcode CharTokenizer}). */
type LanguageModelTokenizer = Pick<Tokenizer, "encodeIds" | "decode">;

async function evaluateLanguageModel(
  model: LanguageModel,
  tokenizer: LanguageModelTokenizer,
  ctx: RunContext | null,
  o: EvaluateOptions,
): Promise<EvalResult> {
  const split = o.split ?? "val";
  if (split !== "val" && split !== "train") {
    throw new RangeError(`Cannot evaluate a language model: split must be val or train (got "${split}")`);
  }
  const generation = {
    samples: 8,
    maxNewTokens: 200,
    seed: 0,
    temperature: ctx?.config.sample.temperature ?? 0.8,
    ...o.generation,
  };
  const names = o.metrics ?? [...LM_METRICS, ...(generation.samples > 0 ? GENERATION_METRICS : [])];
  const unknown = names.filter((n) => ![...LM_METRICS, ...GENERATION_METRICS].includes(getMetric(n).name));
  if (unknown.length) {
    throw new RangeError(
      `Cannot evaluate a language model with ${unknown.join(", ")}: its metrics are ${
        [...LM_METRICS, ...GENERATION_METRICS].join(", ")
      }`,
    );
  }
  const boot = bootstrapSettings(o, ctx?.config);
  const id = await runId(ctx);
  const datasets = o.datasets ?? [ctx!.config.data.name];
  const ts = new Date().toISOString();
  const rows: EvalRow[] = [];
  const predictions: Record<string, unknown>[] = [];
  for (const dataset of datasets) {
    const raw = await loadText(dataset);
    // A run trained with safety on saw the sanitized corpus: score the same text.
    const text = ctx?.config.safety.enabled
      ? (await sanitize(raw, {
        stage: "data",
        ...(ctx.config.safety.policy ? { policy: ctx.config.safety.policy } : {}),
      })).text
      : raw;
    let ids: Int32Array;
    try {
      ids = tokenizer.encodeIds(text);
    } catch (err) {
      throw new RangeError(`Cannot evaluate ${dataset} with this model's tokenizer: ${(err as Error).message}`);
    }
    const parts = splitTail(ids, ctx?.config.data.val_fraction ?? o.valFraction ?? 0.1);
    const stream = split === "val" ? parts.val : parts.train;
    o.log?.(`scoring ${dataset} ${split}: ${Math.floor((stream.length - 1) / model.config.block_size)} windows`);
    const scores = scoreLanguageModel(model, (w) => tokenizer.decode(w), stream);
    const base = { run_id: id, dataset, split, step: ctx?.checkpoint.step ?? 0, ts };
    for (const w of scores.windows) predictions.push({ run_id: id, dataset, split, ...w });
    // Windows are the bootstrap unit: tokens within a window are not independent.
    const perWindow = names.map((n) => getMetric(n)).filter((m) => LM_METRICS.includes(m.name)).map((m): Metric => {
      const values = m.name === "token_accuracy" ? scores.hits : scores.losses;
      const f = m.fromMean ?? ((x: number) => x);
      return { ...m, perExample: () => values, compute: () => f(values.reduce((a, b) => a + b, 0) / values.length) };
    });
    rows.push(...metricRows(perWindow, { predictions: scores.losses, references: scores.losses }, boot, base));
  }
  const genNames = names.filter((n) => GENERATION_METRICS.includes(getMetric(n).name));
  if (genNames.length && generation.samples > 0) {
    o.log?.(
      `sampling ${generation.samples} generations of ${generation.maxNewTokens} tokens (seed ${generation.seed})`,
    );
    const promptText = ctx?.config.sample.prompt ?? "";
    const prompt = tokenizer.encodeIds(promptText);
    const start = prompt.length ? prompt : new Int32Array([0]);
    const texts = Array.from({ length: generation.samples }, (_, i) =>
      tokenizer.decode(
        generate(model, start, {
          maxNewTokens: generation.maxNewTokens,
          temperature: generation.temperature,
          rng: Rng.stream(generation.seed + i, "eval-sample"),
        }).subarray(start.length),
      ));
    texts.forEach((text, i) =>
      predictions.push({
        run_id: id,
        dataset: datasets[0]!,
        split: "generated",
        index: i,
        seed: generation.seed + i,
        temperature: generation.temperature,
        prompt: promptText,
        text,
      })
    );
    const base = { run_id: id, dataset: datasets[0]!, split: "generated", step: ctx?.checkpoint.step ?? 0, ts };
    rows.push(...metricRows(genNames, { predictions: texts, references: [] }, null, base));
  }
  const dir = o.evalDir ?? (ctx ? join(ctx.runDir, "eval") : null);
  if (dir) {
    await writePredictions(dir, predictions);
    await writeEvalRows(dir, rows);
  }
  return { rows, dir, bootstrap: boot, confusion: [] };
}

/** The records of a dataset split a classifier is scored on, with the run's labels checked. */
async function classifierRecords(
  dataset: string,
  split: string,
  labels: readonly string[],
  ctx: (RunContext & { split: SplitManifest }) | null,
) {
  const ds = await loadLabelledDataset(dataset, ctx && dataset === ctx.config.data.name ? ctx.config.data : {});
  let records = ds.records;
  if (ctx && dataset === ctx.config.data.name && split !== "all") {
    const entry = ctx.split.splits[split as "train"];
    if (!entry) {
      throw new RangeError(
        `Cannot evaluate ${dataset}: split must be train, val, test or all for the run's own data (got "${split}")`,
      );
    }
    const ids = (await Deno.readTextFile(join(ctx.runDir, "split", entry.ids_file))).split("\n").filter(Boolean);
    const byId = new Map(records.map((r) => [r.id, r]));
    records = ids.map((id) => {
      const r = byId.get(id);
      if (!r) {
        throw new RangeError(
          `Cannot evaluate ${dataset}: record ${id} of the run's ${split} split is gone from the data`,
        );
      }
      return r;
    });
  } else if (split !== "all") {
    throw new RangeError(
      `Cannot evaluate ${dataset}: it is not the data the model was trained on, so split must be all (got "${split}")`,
    );
  }
  if (records.length === 0) throw new RangeError(`Cannot evaluate ${dataset}: the ${split} split has no records`);
  const known = new Set(labels);
  for (const r of records) {
    if (r.label === undefined) throw new TypeError(`Cannot evaluate ${dataset}: record ${r.id} has no label`);
    if (!known.has(r.label)) {
      throw new RangeError(
        `Cannot evaluate ${dataset}: record ${r.id} has label ${
          JSON.stringify(r.label)
        }, outside the model's classes (${labels.join(", ")})`,
      );
    }
  }
  return records;
}

async function evaluateClassifier(
  model: ClassificationModel,
  tokenizer: WordTokenizer,
  ctx: (RunContext & { labels: string[]; split: SplitManifest }) | null,
  o: EvaluateOptions,
): Promise<EvalResult> {
  const labels = ctx?.labels ?? o.labels;
  if (!labels) throw new TypeError("Cannot evaluate a classifier: it needs its labels");
  if (labels.length !== model.config.num_labels) {
    throw new RangeError(
      `Cannot evaluate a classifier: ${labels.length} labels for ${model.config.num_labels} outputs`,
    );
  }
  const split = o.split ?? (ctx ? "test" : "all");
  const boot = bootstrapSettings(o, ctx?.config);
  const id = await runId(ctx);
  const names = o.metrics ?? CLASSIFIER_METRICS;
  const maxTokens = ctx?.config.data.max_tokens ?? o.maxTokens ?? 256;
  const ts = new Date().toISOString();
  const rows: EvalRow[] = [], predictions: Record<string, unknown>[] = [];
  const confusion: EvalResult["confusion"] = [];
  for (const dataset of o.datasets ?? [ctx!.config.data.name]) {
    const records = await classifierRecords(dataset, split, labels, ctx);
    o.log?.(`scoring ${dataset} ${split}: ${records.length} examples`);
    const probs = scoreClassifier(model, (t) => tokenizer.encode(t), records.map((r) => r.text), { maxTokens });
    const predicted = probs.map((row) => labels[row.indexOf(Math.max(...row))]!);
    records.forEach((r, i) => {
      const row = probs[i]!, k = labels.indexOf(r.label!);
      predictions.push({
        run_id: id,
        dataset,
        split,
        index: i,
        id: r.id,
        label: r.label,
        prediction: predicted[i],
        correct: predicted[i] === r.label,
        confidence: Math.max(...row),
        loss: -Math.log(Math.max(row[k]!, 1e-15)),
        scores: row,
      });
    });
    const inputs: MetricInputs = {
      average: "macro",
      ...o.metricOptions,
      predictions: predicted,
      references: records.map((r) => r.label!),
      scores: probs,
      labels,
    };
    const base = { run_id: id, dataset, split, step: ctx?.checkpoint.step ?? 0, ts };
    rows.push(...metricRows(names, inputs, boot, base));
    const cm = getMetric("confusion_matrix").compute(inputs) as { labels: string[]; matrix: number[][] };
    confusion.push({ dataset, ...cm });
  }
  const dir = o.evalDir ?? (ctx ? join(ctx.runDir, "eval") : null);
  if (dir) {
    await writePredictions(dir, predictions);
    await writeEvalRows(dir, rows);
  }
  return { rows, dir, bootstrap: boot, confusion };
}

/** Reads a predictions file: every record needs the label and prediction fields; scores are used when all have one. */
async function evaluatePredictionsFile(path: string, o: EvaluateOptions): Promise<EvalResult> {
  const { label = "label", prediction = "prediction", score = "score" } = o.fields ?? {};
  const isFile = await Deno.stat(path).then((s) => s.isFile, (err) => {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  });
  if (!isFile) throw new RangeError(`Cannot evaluate ${path}: there is no such file`);
  // A line that is not JSON is a SyntaxError naming the file and the line.
  const records = await readNdjson<Record<string, unknown>>(path);
  if (records.length === 0) throw new RangeError(`Cannot evaluate ${path}: it has no records`);
  records.forEach((r, i) => {
    for (const f of [label, prediction]) {
      if (!(f in r)) throw new TypeError(`Cannot evaluate ${path}: record ${i + 1} has no field "${f}"`);
    }
  });
  const withScores = records.filter((r) => score in r).length;
  if (withScores > 0 && withScores < records.length) {
    throw new TypeError(
      `Cannot evaluate ${path}: ${withScores} of ${records.length} records have a "${score}" field; give it for all or none`,
    );
  }
  const inputs: MetricInputs = {
    ...o.metricOptions,
    predictions: records.map((r) => r[prediction]),
    references: records.map((r) => r[label]),
    ...(withScores ? { scores: records.map((r) => r[score] as number | number[]) } : {}),
  };
  const names = o.metrics ?? ["accuracy", "precision", "recall", "f1"];
  const needScores = names.filter((n) => ["roc_auc", "log_loss", "ece"].includes(getMetric(n).name));
  if (needScores.length && !withScores) {
    throw new TypeError(`Cannot evaluate ${path}: ${needScores.join(", ")} need a "${score}" field in every record`);
  }
  const stem = path.replace(/\.(nd)?jsonl?$/i, "");
  const base = {
    run_id: stem.split("/").at(-1)!,
    dataset: path,
    split: "predictions",
    step: 0,
    ts: new Date().toISOString(),
  };
  const boot = bootstrapSettings(o);
  const rows = metricRows(names, inputs, boot, base);
  const cm = getMetric("confusion_matrix").compute(inputs) as EvalResult["confusion"][number];
  const dir = o.evalDir ?? `${stem}.eval`;
  await writeEvalRows(dir, rows);
  return { rows, dir, bootstrap: boot, confusion: [{ ...cm, dataset: path }] };
}
