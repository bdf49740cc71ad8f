/**
 * Bootstrap confidence intervals (Efron & Tibshirani 1993): seeded
 * resampling of examples, percentile and BCa intervals, and the paired
 * bootstrap that compares two systems on the same examples. Per-example
 * metrics resample their per-example values (a mean per resample); corpus
 * metrics are recomputed on each resample.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import type { Metric, MetricInputs } from "./metric.ts";
import { getMetric } from "./metric_registry.ts";

/** Bootstrap settings. */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  samples?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** `percentile` (default) or `bca` (bias-corrected and accelerated). */
  method?: "percentile" | "bca";
}

/** A value with its interval. */
export interface Interval {
  value: number;
  low: number;
  high: number;
  level: number;
  method: "percentile" | "bca";
  samples: number;
  /** Resamples left out because the metric was undefined on them. */
  skipped: number;
  n: number;
}

/** Standard normal CDF (erfc-based, |error| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                      t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -3.969683028665376e+01,
    2.209460984245205e+02,
    -2.759285104469687e+02,
    1.383577518672690e+02,
    -3.066479806614716e+01,
    2.506628277459239e+00,
  ];
  const b = [
    -5.447609879822406e+01,
    1.615858368580409e+02,
    -1.556989798598866e+02,
    6.680131188771972e+01,
    -1.328068155288572e+01,
  ];
  const c = [
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e+00,
    -2.549732539343734e+00,
    4.374664141464968e+00,
    2.938163982698783e+00,
  ];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The q-quantile of sorted values, with linear interpolation (numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const i = Math.floor(pos), f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

function subset(inputs: MetricInputs, idx: ArrayLike<number>): MetricInputs {
  const pick = <T>(
    a: readonly T[] | undefined,
  ) => (a ? Array.from({ length: idx.length }, (_, k) => a[idx[k]!]!) : undefined);
  const out: MetricInputs = { ...inputs, predictions: pick(inputs.predictions)!, references: pick(inputs.references)! };
  if (inputs.scores) out.scores = pick(inputs.scores)!;
  return out;
}

function scalar(metric: Metric, inputs: MetricInputs): number {
  const v = metric.compute(inputs);
  if (typeof v !== "number") throw new TypeError(`Cannot bootstrap ${metric.name}: its value is not a number`);
  return v;
}

interface Plan {
  n: number;
  value: number;
  /** The statistic of resample `idx`. */
  stat(idx: Int32Array): number;
  /** Leave-one-out statistics (for BCa). */
  jackknife(): Float64Array;
}

function plan(metric: Metric, inputs: MetricInputs): Plan {
  if (metric.kind === "per-example" && metric.perExample) {
    const per = Float64Array.from(metric.perExample(inputs));
    const n = per.length;
    const f = metric.fromMean ?? ((m: number) => m);
    let total = 0;
    for (let i = 0; i < n; i++) total += per[i]!;
    return {
      n,
      value: f(total / n),
      stat: (idx) => {
        let s = 0;
        for (let k = 0; k < idx.length; k++) s += per[idx[k]!]!;
        return f(s / idx.length);
      },
      jackknife: () => per.map((x) => f((total - x) / (n - 1))),
    };
  }
  const n = inputs.references.length;
  return {
    n,
    value: scalar(metric, inputs),
    stat: (idx) => scalar(metric, subset(inputs, idx)),
    jackknife: () => {
      const out = new Float64Array(n);
      const idx = new Int32Array(n - 1);
      for (let i = 0; i < n; i++) {
        for (let k = 0, j = 0; k < n; k++) if (k !== i) idx[j++] = k;
        out[i] = scalar(metric, subset(inputs, idx));
      }
      return out;
    },
  };
}

function checkOptions(o: BootstrapOptions): Required<BootstrapOptions> {
  const r = { samples: o.samples ?? 1000, seed: o.seed ?? 0, level: o.level ?? 0.95, method: o.method ?? "percentile" };
  if (!Number.isInteger(r.samples) || r.samples < 2) {
    throw new RangeError(`Cannot bootstrap: samples must be an integer >= 2 (got ${r.samples})`);
  }
  if (!(r.level > 0 && r.level < 1)) throw new RangeError(`Cannot bootstrap: level must be in (0, 1) (got ${r.level})`);
  if (r.method !== "percentile" && r.method !== "bca") {
    throw new RangeError(`Cannot bootstrap: method must be percentile or bca (got ${JSON.stringify(r.method)})`);
  }
  return r as Required<BootstrapOptions>;
}

/**
 * The statistic on `samples` resamples. A resample on which a corpus metric
 * is undefined (ROC AUC drawing one class) is left out and counted; more
 * than half left out is an error.
 */
function resampleAll(name: string, p: Plan, samples: number, rng: Rng): { stats: Float64Array; skipped: number } {
  const stats = new Float64Array(samples);
  const idx = new Int32Array(p.n);
  let kept = 0;
  for (let b = 0; b < samples; b++) {
    for (let k = 0; k < p.n; k++) idx[k] = Math.floor(rng.next() * p.n);
    try {
      stats[kept] = p.stat(idx);
      kept++;
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
  }
  if (kept < samples / 2) {
    throw new RangeError(
      `Cannot bootstrap ${name}: it is undefined on ${samples - kept} of ${samples} resamples (too few examples?)`,
    );
  }
  return { stats: stats.subarray(0, kept), skipped: samples - kept };
}

/**
 * The metric's value with a bootstrap interval.
 *
 * @example
 * ```ts
 * import { bootstrap } from "./bootstrap.ts";
 * const r = bootstrap("accuracy", { predictions: [1, 1, 0, 1, 0, 1], references: [1, 0, 0, 1, 0, 1] }, { samples: 200, seed: 1 });
 * if (!(r.low <= r.value && r.value <= r.high)) throw new Error("the interval holds the value");
 * ```
 */
export function bootstrap(metric: string | Metric, inputs: MetricInputs, options: BootstrapOptions = {}): Interval {
  const m = typeof metric === "string" ? getMetric(metric) : metric;
  const o = checkOptions(options);
  const p = plan(m, inputs);
  if (p.n < 2) throw new RangeError(`Cannot bootstrap ${m.name}: it needs at least 2 examples (got ${p.n})`);
  const { stats: raw, skipped } = resampleAll(m.name, p, o.samples, new Rng(o.seed));
  const stats = raw.sort();
  const alpha = (1 - o.level) / 2;
  let qLow = alpha, qHigh = 1 - alpha;
  if (o.method === "bca") {
    let below = 0;
    for (const s of stats) if (s < p.value) below++;
    const z0 = normalQuantile(below / stats.length);
    const jack = p.jackknife();
    const jm = jack.reduce((a, b) => a + b, 0) / jack.length;
    let num = 0, den = 0;
    for (const j of jack) {
      num += (jm - j) ** 3;
      den += (jm - j) ** 2;
    }
    const a = den === 0 ? 0 : num / (6 * den ** 1.5);
    const adj = (z: number) => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    if (Number.isFinite(z0)) [qLow, qHigh] = [adj(normalQuantile(alpha)), adj(normalQuantile(1 - alpha))];
  }
  return {
    value: p.value,
    low: quantile(stats, qLow),
    high: quantile(stats, qHigh),
    level: o.level,
    method: o.method,
    samples: o.samples,
    skipped,
    n: p.n,
  };
}

/** A paired comparison of two systems on the same examples. */
export interface PairedResult {
  /** value(B) - value(A). */
  difference: number;
  low: number;
  high: number;
  /** Two-sided p-value of "no difference": twice the smaller tail of the resampled differences around 0. */
  pValue: number;
  a: number;
  b: number;
}

/**
 * Paired bootstrap (Koehn 2004): both systems are scored on the same
 * resampled examples, so the interval is of their difference.
 */
export function pairedBootstrap(
  metric: string | Metric,
  a: MetricInputs,
  b: MetricInputs,
  options: Omit<BootstrapOptions, "method"> = {},
): PairedResult {
  const m = typeof metric === "string" ? getMetric(metric) : metric;
  const o = checkOptions(options);
  const pa = plan(m, a), pb = plan(m, b);
  if (pa.n !== pb.n) throw new RangeError(`Cannot compare ${m.name}: the systems have ${pa.n} and ${pb.n} examples`);
  const rng = new Rng(o.seed);
  const diffs = new Float64Array(o.samples);
  const idx = new Int32Array(pa.n);
  let le = 0, ge = 0;
  for (let s = 0; s < o.samples; s++) {
    for (let k = 0; k < pa.n; k++) idx[k] = Math.floor(rng.next() * pa.n);
    const d = pb.stat(idx) - pa.stat(idx);
    diffs[s] = d;
    if (d <= 0) le++;
    if (d >= 0) ge++;
  }
  diffs.sort();
  const alpha = (1 - o.level) / 2;
  return {
    difference: pb.value - pa.value,
    low: quantile(diffs, alpha),
    high: quantile(diffs, 1 - alpha),
    pValue: Math.min(1, (2 * Math.min(le, ge)) / o.samples),
    a: pa.value,
    b: pb.value,
  };
}
