/**
 * Bootstrap confidence intervals (Efron & Tibshirani 1993): seeded
 * resampling of examples, percentile and BCa intervals (as SciPy's
 * `stats.bootstrap` computes them from a bootstrap distribution), and the
 * paired bootstrap that compares two systems on the same examples.
 * Per-example metrics resample their per-example values (a mean per
 * resample); decomposable corpus metrics (F1, BLEU, chrF, ECE) resample
 * per-example count rows; other corpus metrics are recomputed on each
 * resample.
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
  /** The metric on all examples. */
  value: number;
  /** Lower and upper end of the interval. */
  low: number;
  high: number;
  /** Confidence level, method and resamples used. */
  level: number;
  method: "percentile" | "bca";
  samples: number;
  /** Resamples left out because the metric was undefined on them. */
  skipped: number;
  /** Examples resampled. */
  n: number;
}

/** erfc(x) for x >= 0: Taylor series of erf below 2.5, Lentz's continued fraction above (|error| < 1e-14). */
function erfc(x: number): number {
  if (x < 2.5) {
    let term = x, sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x^2) / sqrt(pi) * 1 / (x + 1/2 / (x + 1 / (x + 3/2 / (x + ...)))).
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/**
 * The standard normal CDF (as SciPy's `ndtr`, to about 1e-14).
 *
 * @example
 * ```ts
 * import { normalCdf } from "./bootstrap.ts";
 * if (Math.abs(normalCdf(1.959963984540054) - 0.975) > 1e-12) throw new Error("ndtr");
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const e = erfc(Math.abs(x) / Math.SQRT2) / 2;
  return x >= 0 ? 1 - e : e;
}

/**
 * The inverse standard normal CDF (as SciPy's `ndtri`): Acklam's
 * approximation refined by one Halley step.
 *
 * @example
 * ```ts
 * import { normalQuantile } from "./bootstrap.ts";
 * if (Math.abs(normalQuantile(0.975) - 1.959963984540054) > 1e-12) throw new Error("ndtri");
 * ```
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = _acklam(p);
  // Halley's method on normalCdf(x) - p.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Acklam's rational approximation of the normal quantile for p <= 0.5 (relative error < 1.2e-9). */
function _acklam(p: number): number {
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const q = p - 0.5, r = q * q;
  return (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The q-quantile of sorted values, with linear interpolation (NumPy's default `percentile`). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const i = Math.floor(pos), f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}

/**
 * The interval from a bootstrap distribution, as SciPy's `stats.bootstrap`
 * computes it: percentile, or BCa (Efron & Tibshirani 1993, 14.3) with the
 * bias from the share of resampled values below (ties count half) the
 * value, and the acceleration from the jackknife values.
 */
export function _interval(
  distribution: Float64Array,
  value: number,
  level: number,
  method: "percentile" | "bca",
  jackknife: () => Float64Array,
): { low: number; high: number } {
  const stats = Float64Array.from(distribution).sort();
  // Every resample gave the same value (all predictions right, say): the interval is that point.
  if (stats[0] === stats[stats.length - 1]) return { low: stats[0]!, high: stats[0]! };
  const alpha = (1 - level) / 2;
  let qLow = alpha, qHigh = 1 - alpha;
  if (method === "bca") {
    let below = 0, atOrBelow = 0;
    for (const v of stats) {
      if (v < value) below++;
      if (v <= value) atOrBelow++;
    }
    const z0 = normalQuantile((below + atOrBelow) / (2 * stats.length));
    const jack = jackknife();
    let jm = 0;
    for (const j of jack) jm += j / jack.length;
    let num = 0, den = 0;
    for (const j of jack) {
      num += (jm - j) ** 3;
      den += (jm - j) ** 2;
    }
    const a = den === 0 ? 0 : num / (6 * den ** 1.5);
    const adjust = (z: number) => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    [qLow, qHigh] = [adjust(normalQuantile(alpha)), adjust(normalQuantile(1 - alpha))];
    if (!Number.isFinite(qLow) || !Number.isFinite(qHigh)) {
      throw new RangeError(
        "Cannot compute a BCa interval: every resampled value lies on one side of the full-data value; use method percentile",
      );
    }
  }
  return { low: quantile(stats, qLow), high: quantile(stats, qHigh) };
}

function subset(inputs: MetricInputs, idx: ArrayLike<number>): MetricInputs {
  const pick = <T>(a: readonly T[]) => Array.from({ length: idx.length }, (_, k) => a[idx[k]!]!);
  const out: MetricInputs = { ...inputs, predictions: pick(inputs.predictions), references: pick(inputs.references) };
  if (inputs.scores) out.scores = pick(inputs.scores);
  return out;
}

function scalar(metric: Metric, inputs: MetricInputs): number {
  const v = metric.compute(inputs);
  if (typeof v !== "number") throw new TypeError(`Cannot bootstrap ${metric.name}: its value is not a number`);
  return v;
}

/** How to compute a metric on resamples of examples. */
interface Plan {
  n: number;
  value: number;
  /** The statistic of resample `idx`. */
  stat(idx: Int32Array): number;
  /** Per-example metrics: the values and the function of their mean, for resampling in one pass. */
  perExample?: { values: Float64Array; fromMean: (mean: number) => number };
  /** Leave-one-out values (for BCa). */
  jackknife(): Float64Array;
}

/** Per-example metrics resample values; decomposable ones resample count rows; the rest are recomputed. */
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
      perExample: { values: per, fromMean: f },
      jackknife: () => per.map((x) => f((total - x) / (n - 1))),
    };
  }
  if (metric.decompose) {
    const d = metric.decompose(inputs);
    const w = d.width, rows = d.rows, n = rows.length / w;
    const total = new Float64Array(w), sums = new Float64Array(w);
    for (let i = 0; i < rows.length; i++) total[i % w]! += rows[i]!;
    return {
      n,
      value: d.score(total),
      stat: (idx) => d.score(sumRows(rows, w, idx, sums)),
      jackknife: () =>
        Float64Array.from({ length: n }, (_, i) => {
          for (let j = 0; j < w; j++) sums[j] = total[j]! - rows[i * w + j]!;
          return d.score(sums);
        }),
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
  if (!Number.isFinite(r.seed)) throw new RangeError(`Cannot bootstrap: seed must be a finite number (got ${r.seed})`);
  return r;
}

/**
 * The mean of a resample of `values` drawn with `rng`: the indices `draw`
 * would give, without storing them. A module-level function, so V8 keeps one
 * optimised copy of this hot loop.
 */
function meanOfResample(values: Float64Array, rng: Rng): number {
  const n = values.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += values[Math.floor((rng.nextU32() * n) / 4294967296)]!;
  return s / n;
}

/** The rows `idx` of `rows` (`w` wide) summed into `sums`. */
function sumRows(rows: Float64Array, w: number, idx: Int32Array, sums: Float64Array): Float64Array {
  sums.fill(0);
  for (let k = 0; k < idx.length; k++) {
    const at = idx[k]! * w;
    for (let j = 0; j < w; j++) sums[j]! += rows[at + j]!;
  }
  return sums;
}

/** Fills `idx` with `n` indices drawn uniformly with replacement. */
function draw(idx: Int32Array, n: number, rng: Rng): void {
  for (let k = 0; k < idx.length; k++) idx[k] = Math.floor((rng.nextU32() * n) / 4294967296);
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
  if (p.perExample) {
    const { values, fromMean } = p.perExample;
    for (let b = 0; b < samples; b++) stats[b] = fromMean(meanOfResample(values, rng));
    return { stats, skipped: 0 };
  }
  for (let b = 0; b < samples; b++) {
    draw(idx, p.n, rng);
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
 * The metric's value with a bootstrap interval over examples, resampled with
 * a seeded {@linkcode Rng}.
 *
 * @example
 * ```ts
 * import { bootstrap } from "./bootstrap.ts";
 * const r = bootstrap("accuracy", { predictions: [1, 1, 0, 1, 0, 1], references: [1, 0, 0, 1, 0, 1] }, {
 *   samples: 200,
 *   seed: 1,
 * });
 * if (!(r.low <= r.value && r.value <= r.high)) throw new Error("the interval holds the value");
 * ```
 */
export function bootstrap(metric: string | Metric, inputs: MetricInputs, options: BootstrapOptions = {}): Interval {
  const m = typeof metric === "string" ? getMetric(metric) : metric;
  const o = checkOptions(options);
  const p = plan(m, inputs);
  if (p.n < 2) throw new RangeError(`Cannot bootstrap ${m.name}: it needs at least 2 examples (got ${p.n})`);
  const { stats, skipped } = resampleAll(m.name, p, o.samples, new Rng(o.seed));
  const { low, high } = _interval(stats, p.value, o.level, o.method, p.jackknife);
  return { value: p.value, low, high, level: o.level, method: o.method, samples: o.samples, skipped, n: p.n };
}

/** A paired comparison of two systems on the same examples. */
export interface PairedResult {
  /** value(B) - value(A). */
  difference: number;
  /** Percentile interval of the difference (lower, upper). */
  low: number;
  /** Upper end of the interval. */
  high: number;
  /**
   * Two-sided p-value of "no difference": twice the smaller share of
   * resampled differences on either side of 0 (at most 1), so `pValue <
   * 1 - level` exactly when the interval leaves out 0.
   */
  pValue: number;
  /** The metric of system A and of system B on all examples. */
  a: number;
  b: number;
  /** Resamples drawn and examples per resample. */
  samples: number;
  n: number;
}

/**
 * Paired bootstrap (Koehn 2004): both systems are scored on the same
 * resampled examples, so the interval is of their difference.
 *
 * @example
 * ```ts
 * import { pairedBootstrap } from "./bootstrap.ts";
 * const references = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1];
 * const a = { predictions: [1, 1, 0, 1, 0, 0, 0, 1, 1, 0], references };
 * const b = { predictions: [1, 0, 1, 1, 0, 1, 0, 1, 1, 1], references };
 * const r = pairedBootstrap("accuracy", a, b, { samples: 500, seed: 1 });
 * if (Math.abs(r.difference - 0.4) > 1e-12) throw new Error(`difference ${r.difference}`);
 * ```
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
  if (pa.n < 2) throw new RangeError(`Cannot compare ${m.name}: it needs at least 2 examples (got ${pa.n})`);
  const rng = new Rng(o.seed);
  const diffs = new Float64Array(o.samples);
  const idx = new Int32Array(pa.n);
  let kept = 0, le = 0, ge = 0;
  for (let s = 0; s < o.samples; s++) {
    draw(idx, pa.n, rng);
    let d: number;
    try {
      d = pb.stat(idx) - pa.stat(idx);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      continue;
    }
    diffs[kept++] = d;
    if (d <= 0) le++;
    if (d >= 0) ge++;
  }
  if (kept < o.samples / 2) {
    throw new RangeError(`Cannot compare ${m.name}: it is undefined on ${o.samples - kept} of ${o.samples} resamples`);
  }
  const { low, high } = _interval(diffs.subarray(0, kept), pb.value - pa.value, o.level, "percentile", () => diffs);
  return {
    difference: pb.value - pa.value,
    low,
    high,
    pValue: Math.min(1, (2 * Math.min(le, ge)) / kept),
    a: pa.value,
    b: pb.value,
    samples: o.samples,
    n: pa.n,
  };
}
