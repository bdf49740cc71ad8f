/**
 * The eval runner. For a language-model run: cross-entropy, perplexity and
 * token accuracy over every window of a split, with bootstrap intervals over
 * windows, plus the diversity of seeded samples. For classification
 * predictions from a file: any registered metric, with intervals. Results go
 * to `eval/metrics.ndjson`, `eval/metrics.csv` and `eval/predictions.ndjson`.
 *
 * @module
 */
import { join } from "node:path";
import { oneHot, tf } from "../backend/mod.ts";
import { loadText, splitTail } from "../data/mod.ts";
import { writeFileAtomic } from "../io/mod.ts";
import { generate } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { type EvalRecord, NdjsonWriter, readNdjson, SCHEMA_VERSION } from "../telemetry/mod.ts";
import { allWindows, loadRunModel } from "../train/mod.ts";
import { bootstrap, type BootstrapOptions } from "./bootstrap.ts";
import type { Metric, MetricInputs } from "./metric.ts";
import { getMetric } from "./metric_registry.ts";

/** One row of an evaluation: a metric's value with its interval. */
export type EvalRow = Omit<EvalRecord, "schema_version">;

/** Options of {@linkcode evaluateRun}. */
export interface EvaluateRunOptions {
  /** Where runs are (default `artifacts/runs`). */
  outDir?: string;
  /** `best` (default), `latest`, or a checkpoint folder name. */
  checkpoint?: string;
  /** The split to score (default `val`). */
  split?: "val" | "train";
  /** Bootstrap over windows (default 1000 percentile resamples); `false` for none. */
  bootstrap?: BootstrapOptions | false;
  /** Seeded generations for distinct-1/2 (default 8 of 200 tokens, seed 0; 0 samples skips). */
  generation?: { samples?: number; maxNewTokens?: number; seed?: number; temperature?: number };
}

const CSV_COLUMNS = ["run_id", "dataset", "split", "metric", "value", "n", "ci_low", "ci_high", "step", "ts"] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Appends rows to `dir/metrics.ndjson` and rewrites `dir/metrics.csv` with every row so far. */
export async function writeEvalRows(dir: string, rows: EvalRow[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const w = new NdjsonWriter<EvalRecord>(join(dir, "metrics.ndjson"));
  for (const r of rows) w.write({ schema_version: SCHEMA_VERSION, ...r });
  w.close();
  const all = await readNdjson<EvalRecord>(join(dir, "metrics.ndjson"));
  const csv = [CSV_COLUMNS.join(","), ...all.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\n") +
    "\n";
  await writeFileAtomic(join(dir, "metrics.csv"), csv);
}

function perWindowMetric(name: string, values: number[], base: Metric): Metric {
  return {
    ...base,
    name,
    kind: "per-example",
    perExample: () => values,
    compute: () => (base.fromMean ?? ((m: number) => m))(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/**
 * Evaluates a language-model run and writes `<run>/eval/`.
 *
 * @example
 * ```ts ignore
 * import { evaluateRun } from "./evaluate.ts";
 * const rows = await evaluateRun("20261124-161852-5e88", { bootstrap: { samples: 1000, method: "bca" } });
 * ```
 */
export async function evaluateRun(run: string, options: EvaluateRunOptions = {}): Promise<EvalRow[]> {
  const split = options.split ?? "val";
  const { model, tokenizer, config, checkpoint, runDir } = await loadRunModel(run, {
    which: options.checkpoint ?? "best",
    ...(options.outDir ? { outDir: options.outDir } : {}),
  });
  try {
    const runId = JSON.parse(await Deno.readTextFile(join(runDir, "run.json"))).run_id as string;
    const text = await loadText(config.data.name);
    const ids = tokenizer.encode(text);
    const parts = splitTail(ids, config.data.val_fraction);
    const T = model.config.block_size;
    const windows = allWindows(split === "val" ? parts.val : parts.train, 4 * config.train.batch_size, T);
    // Per window: mean NLL and accuracy of its T next-token predictions, and the arg max text.
    const losses: number[] = [], hits: number[] = [];
    await Deno.mkdir(join(runDir, "eval"), { recursive: true });
    const predW = new NdjsonWriter<Record<string, unknown>>(join(runDir, "eval", "predictions.ndjson.tmp"));
    let index = 0;
    for (const b of windows) {
      const [nll, argmax] = tf.tidy(() => {
        const logits = model.logits(b.x, b.batch, b.time);
        const logp = tf.logSoftmax(logits);
        const picked = tf.sum(tf.mul(logp, oneHot(tf.tensor1d(b.y, "int32"), model.config.vocab_size)), -1);
        return [tf.neg(picked).dataSync() as Float32Array, tf.argMax(logits, -1).dataSync() as Int32Array];
      });
      for (let w = 0; w < b.batch; w++) {
        let loss = 0, hit = 0;
        for (let t = 0; t < T; t++) {
          loss += nll[w * T + t]!;
          if (argmax[w * T + t] === b.y[w * T + t]) hit++;
        }
        losses.push(loss / T);
        hits.push(hit / T);
        predW.write({
          schema_version: SCHEMA_VERSION,
          run_id: runId,
          dataset: config.data.name,
          split,
          index,
          loss: loss / T,
          accuracy: hit / T,
          text: tokenizer.decode(b.y.subarray(w * T, (w + 1) * T)),
          predicted: tokenizer.decode(argmax.subarray(w * T, (w + 1) * T)),
        });
        index++;
      }
    }
    predW.close();
    await Deno.rename(join(runDir, "eval", "predictions.ndjson.tmp"), join(runDir, "eval", "predictions.ndjson"));

    const ts = new Date().toISOString();
    const base = { run_id: runId, dataset: config.data.name, split, step: checkpoint.step, ts };
    const rows: EvalRow[] = [];
    const boot = options.bootstrap === false ? null : { samples: 1000, ...(options.bootstrap ?? {}) };
    const dummy: MetricInputs = { predictions: losses, references: losses };
    for (
      const [name, values] of [["cross_entropy", losses], ["perplexity", losses], ["token_accuracy", hits]] as const
    ) {
      const m = perWindowMetric(name, values as number[], getMetric(name));
      const value = m.compute(dummy) as number;
      const ci = boot ? bootstrap(m, dummy, boot) : null;
      rows.push({ ...base, metric: name, value, n: values.length, ci_low: ci?.low ?? null, ci_high: ci?.high ?? null });
    }

    const g = { samples: 8, maxNewTokens: 200, seed: 0, temperature: config.sample.temperature, ...options.generation };
    if (g.samples > 0) {
      const prompt = tokenizer.encode(config.sample.prompt);
      const texts = Array.from({ length: g.samples }, (_, i) => {
        const out = generate(model, prompt.length ? prompt : new Int32Array([0]), {
          maxNewTokens: g.maxNewTokens,
          temperature: g.temperature,
          rng: Rng.stream(g.seed + i, "eval-sample"),
        });
        return tokenizer.decode(out.subarray(prompt.length || 1));
      });
      for (const name of ["distinct_1", "distinct_2"]) {
        const value = getMetric(name).compute({ predictions: texts, references: [] }) as number;
        rows.push({ ...base, split: "generated", metric: name, value, n: texts.length, ci_low: null, ci_high: null });
      }
    }
    await writeEvalRows(join(runDir, "eval"), rows);
    return rows;
  } finally {
    model.dispose();
  }
}

/** Options of {@linkcode evaluatePredictions}. */
export interface EvaluatePredictionsOptions {
  /** Metrics to compute (default accuracy, precision, recall, f1). */
  metrics?: string[];
  /** Field names in each record (defaults `label`, `prediction`, `score`). */
  labelField?: string;
  predictionField?: string;
  scoreField?: string;
  /** Options passed to every metric (`average`, `pos_label`, ...). */
  metricOptions?: Record<string, unknown>;
  bootstrap?: BootstrapOptions | false;
  /** Where to write `metrics.ndjson`/`.csv` (default: beside the file, `<stem>.eval/`). */
  outDir?: string;
  /** Names for the rows. */
  runId?: string;
  dataset?: string;
}

/**
 * Scores classification predictions from a JSONL/NDJSON file of records
 * with a label, a prediction and optionally a score (a probability or a
 * probability row).
 */
export async function evaluatePredictions(path: string, options: EvaluatePredictionsOptions = {}): Promise<EvalRow[]> {
  const { labelField = "label", predictionField = "prediction", scoreField = "score" } = options;
  const records = await readNdjson<Record<string, unknown>>(path);
  if (records.length === 0) throw new RangeError(`Cannot evaluate ${path}: it has no records`);
  records.forEach((r, i) => {
    for (const f of [labelField, predictionField]) {
      if (!(f in r)) throw new TypeError(`Cannot evaluate ${path}: record ${i + 1} has no field "${f}"`);
    }
  });
  const hasScores = records.every((r) => scoreField in r);
  const inputs: MetricInputs = {
    predictions: records.map((r) => r[predictionField]),
    references: records.map((r) => r[labelField]),
    ...(hasScores ? { scores: records.map((r) => r[scoreField] as number | number[]) } : {}),
    ...options.metricOptions,
  };
  const names = options.metrics ?? ["accuracy", "precision", "recall", "f1"];
  const boot = options.bootstrap === false ? null : { samples: 1000, ...(options.bootstrap ?? {}) };
  const ts = new Date().toISOString();
  const stem = path.replace(/\.(nd)?jsonl?$/i, "");
  const rows: EvalRow[] = names.map((name) => {
    const m = getMetric(name);
    const value = m.compute(inputs);
    if (typeof value !== "number") throw new TypeError(`Cannot evaluate ${path}: ${name} is not a number metric`);
    const ci = boot ? bootstrap(m, inputs, boot) : null;
    return {
      run_id: options.runId ?? stem.split("/").at(-1)!,
      dataset: options.dataset ?? path,
      split: "predictions",
      metric: name,
      value,
      n: records.length,
      ci_low: ci?.low ?? null,
      ci_high: ci?.high ?? null,
      step: 0,
      ts,
    };
  });
  await writeEvalRows(options.outDir ?? `${stem}.eval`, rows);
  return rows;
}
