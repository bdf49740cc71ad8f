/**
 * Sweeps (Hydra's multirun): the basic sweeper (the grid of every
 * combination), the random sweeper (n draws), the median stopping rule, and
 * running trials a few at a time.
 *
 * @module
 */
import {
  formatOverrideValue,
  globFilter,
  type GlobSweep,
  type HydraOverride,
  parseHydraOverride,
  rangeValues,
  type Sweep,
} from "../config/mod.ts";
import { Rng } from "../random/mod.ts";

/** Options of {@linkcode sweepValues}, {@linkcode sweepTrials} and {@linkcode randomTrials}. */
export interface SweepOptions {
  /** Each config group's options, for `glob(...)` (`{ model: ["gpt-nano", ...] }`). */
  groupOptions?: Record<string, string[]>;
  /** Random numbers in [0, 1) for `shuffle(...)` (default Math.random). */
  random?: () => number;
}

function shuffled<T>(list: T[], random: () => number): T[] {
  const l = [...list];
  for (let i = l.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [l[i], l[j]] = [l[j]!, l[i]!];
  }
  return l;
}

const formatNumber = (v: number, float: boolean) => (float && Number.isInteger(v) ? `${v}.0` : formatOverrideValue(v));

function globValues(o: HydraOverride, s: GlobSweep, options: SweepOptions): string[] {
  const names = options.groupOptions?.[o.key];
  if (!names) {
    throw new RangeError(
      `Cannot sweep ${o.raw}: glob() selects the options of a config group, and ${o.key} is not one`,
    );
  }
  const out = globFilter(s, names);
  if (!out.length) {
    throw new RangeError(`Cannot sweep ${o.raw}: no ${o.key} option matches (options: ${names.join(", ")})`);
  }
  return out;
}

/** The value texts of a sweep the grid can enumerate. */
function finiteValues(o: HydraOverride, options: SweepOptions): string[] {
  const s = o.sweep!;
  const random = options.random ?? Math.random;
  if (s.kind === "choice") {
    const values = s.raw ?? s.list.map(formatOverrideValue);
    return s.shuffle ? shuffled(values, random) : values;
  }
  if (s.kind === "range") {
    const values = rangeValues(s).map((v) => formatNumber(v, s.float));
    return s.shuffle ? shuffled(values, random) : values;
  }
  if (s.kind === "glob") return globValues(o, s, options);
  throw new RangeError(
    `Cannot sweep ${o.raw}: the basic sweeper cannot enumerate an interval; use hydra/sweeper=random`,
  );
}

function headOf(override: string): string {
  return override.slice(0, override.indexOf("=") + 1);
}

/**
 * The overrides one sweep override stands for, in Hydra's grammar: `key=a,b`,
 * `key=choice(a,b)`, `key=range(1,4)`, `group=glob(gpt-*)` (with
 * `options.groupOptions`), with `sort`, `shuffle`, `tag` and the casts. An
 * override that does not sweep is one value; `interval(...)` cannot be
 * enumerated (it is for the random sweeper) and throws.
 *
 * @example
 * ```ts
 * import { sweepValues } from "./sweep.ts";
 * const v = sweepValues("train.lr=1e-3,3e-3");
 * if (v.join(" ") !== "train.lr=1e-3 train.lr=3e-3") throw new Error(v.join(" "));
 * if (sweepValues("tags=[a,b]").length !== 1) throw new Error("commas in brackets should not split");
 * if (sweepValues("seed=range(1,4)").join(" ") !== "seed=1 seed=2 seed=3") throw new Error("range");
 * ```
 */
export function sweepValues(override: string, options: SweepOptions = {}): string[] {
  if (!override.includes("=")) return [override];
  const o = parseHydraOverride(override);
  if (!o.sweep) return [override];
  return finiteValues(o, options).map((v) => `${headOf(override)}${v}`);
}

/**
 * Every combination of the overrides' values, in order (the last axis varies
 * fastest): Hydra's basic sweeper.
 *
 * @example
 * ```ts
 * import { sweepTrials } from "./sweep.ts";
 * const t = sweepTrials(["train.lr=1e-3,3e-3", "model=gpt-nano,gpt-micro", "seed=1"]);
 * if (t.length !== 4 || t[1]!.join(" ") !== "train.lr=1e-3 model=gpt-micro seed=1") throw new Error("bad grid");
 * ```
 */
export function sweepTrials(overrides: string[], options: SweepOptions = {}): string[][] {
  return overrides.map((o) => sweepValues(o, options)).reduce<string[][]>(
    (acc, values) => acc.flatMap((prefix) => values.map((v) => [...prefix, v])),
    [[]],
  );
}

/** Options of {@linkcode randomTrials}. */
export interface RandomSweepOptions extends SweepOptions {
  /** Trials to draw. */
  n: number;
  /** Seed of the draws: the same seed draws the same trials. */
  seed: number;
}

/**
 * Hydra-style random search: `n` trials, each drawing every swept override
 * independently: `interval(a,b)` uniformly (`tag(log, interval(a,b))` uniformly
 * in log space; `int(interval(a,b))` an integer in [a, b]), `choice(...)`,
 * `a,b`, `range(...)` and `glob(...)` one of their values. Overrides that do
 * not sweep are kept as they are.
 *
 * @example
 * ```ts
 * import { randomTrials } from "./sweep.ts";
 * const t = randomTrials(["train.lr=tag(log,interval(1e-4,1e-2))", "seed=1,2"], { n: 3, seed: 0 });
 * if (t.length !== 3) throw new Error("3 trials");
 * const lr = Number(t[0]![0]!.split("=")[1]);
 * if (!(lr >= 1e-4 && lr <= 1e-2)) throw new Error(`lr ${lr}`);
 * ```
 */
export function randomTrials(overrides: string[], options: RandomSweepOptions): string[][] {
  if (!(Number.isInteger(options.n) && options.n > 0)) {
    throw new RangeError(`Cannot sweep: sweep.n must be a positive integer (got ${options.n})`);
  }
  const rng = Rng.stream(options.seed, "random-sweeper");
  const random = () => rng.next();
  const parsed = overrides.map((o) => (o.includes("=") ? parseHydraOverride(o) : undefined));
  const draws = parsed.map((o, i): () => string => {
    const text = overrides[i]!;
    if (!o?.sweep) return () => text;
    const s = o.sweep, head = headOf(text);
    if (s.kind === "interval") {
      const log = s.tags.includes("log");
      if (log && !(s.start > 0 && s.end > 0)) {
        throw new RangeError(`Cannot sweep ${text}: a log-scale interval needs positive bounds`);
      }
      return () => {
        const u = random();
        if (s.int) {
          const lo = Math.ceil(s.start), hi = Math.floor(s.end);
          const v = log
            ? Math.round(Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))))
            : lo + Math.floor(u * (hi - lo + 1));
          return `${head}${Math.min(hi, Math.max(lo, v))}`;
        }
        const v = log
          ? Math.exp(Math.log(s.start) + u * (Math.log(s.end) - Math.log(s.start)))
          : s.start + u * (s.end - s.start);
        return `${head}${formatNumber(Number(v.toPrecision(6)), true)}`;
      };
    }
    const values = finiteValues(
      { ...o, sweep: { ...s, ...(s.kind === "glob" ? {} : { shuffle: false }) } as Sweep },
      options,
    );
    if (!values.length) throw new RangeError(`Cannot sweep ${text}: it has no values`);
    return () => `${head}${values[Math.floor(random() * values.length)]}`;
  });
  return Array.from({ length: options.n }, () => draws.map((d) => d()));
}

/** One evaluation of one trial, as trials share them for early stopping. */
export interface TrialEval {
  trial: number;
  step: number;
  /** The trial's best validation loss up to this step. */
  best: number;
}

/**
 * The median stopping rule: a trial stops at an evaluation when its best
 * validation loss so far is worse than the median of the other trials' best
 * at the same step (among at least `minOthers` of them).
 *
 * @example
 * ```ts
 * import { medianStop } from "./sweep.ts";
 * const evals = [{ trial: 0, step: 10, best: 2.0 }, { trial: 1, step: 10, best: 2.2 }];
 * if (medianStop(evals, { trial: 2, step: 10, best: 2.5 }).stop !== true) throw new Error("should stop");
 * if (medianStop(evals, { trial: 2, step: 10, best: 1.9 }).stop !== false) throw new Error("should go on");
 * ```
 */
export function medianStop(
  evals: TrialEval[],
  current: TrialEval,
  minOthers = 1,
): { stop: boolean; median: number | null; others: number } {
  const others = new Map<number, number>();
  for (const e of evals) {
    if (e.trial !== current.trial && e.step === current.step) others.set(e.trial, e.best);
  }
  if (others.size < Math.max(1, minOthers)) return { stop: false, median: null, others: others.size };
  const v = [...others.values()].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { stop: current.best > median, median, others: v.length };
}

/**
 * Runs `jobs` with at most `limit` at a time; results keep the jobs' order.
 *
 * @example
 * ```ts
 * import { runLimited } from "./sweep.ts";
 * let running = 0, peak = 0;
 * const job = (n: number) => async () => {
 *   peak = Math.max(peak, ++running);
 *   await new Promise((r) => setTimeout(r, 5 * (4 - n)));
 *   running--;
 *   return n * n;
 * };
 * const out = await runLimited([1, 2, 3, 4].map(job), 2);
 * if (out.join() !== "1,4,9,16" || peak !== 2) throw new Error(`${out} peak ${peak}`);
 * ```
 */
export async function runLimited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return results;
}
