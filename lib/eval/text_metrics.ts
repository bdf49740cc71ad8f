/**
 * Metrics of generated text: exact match and token F1 (the SQuAD v2.0
 * evaluation script's), corpus BLEU and chrF (sacreBLEU 2's defaults: 13a
 * tokenisation and exponential smoothing; chrF2 over character 6-grams),
 * ROUGE-L (Lin 2004, tokenised as Google's rouge-score), and distinct-1/2.
 *
 * @module
 */
import { _mean, _scoreAll, checkLengths, type Decomposition, type Metric, type MetricInputs } from "./metric.ts";

const PUNCT = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/**
 * SQuAD's answer normalisation: lower case, no ASCII punctuation, no
 * articles (a, an, the as whole words, with Python's Unicode word
 * boundaries), single spaces.
 *
 * @example
 * ```ts
 * import { normalizeAnswer } from "./text_metrics.ts";
 * if (normalizeAnswer("The  Whale, a ship!") !== "whale ship") throw new Error("normalisation");
 * ```
 */
export function normalizeAnswer(s: string): string {
  const noPunct = [...s.toLowerCase()].filter((c) => !PUNCT.has(c)).join("");
  return noPunct.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, " ").split(/\s+/).filter(Boolean).join(" ");
}

function refsOf(metric: string, inputs: MetricInputs, i: number): string[] {
  const r = inputs.references[i];
  const list = Array.isArray(r) ? r : [r];
  if (list.length === 0 || list.some((x) => typeof x !== "string")) {
    throw new TypeError(`Cannot compute ${metric}: reference ${i} must be a string or a list of strings`);
  }
  return list as string[];
}

function hypOf(metric: string, inputs: MetricInputs, i: number): string {
  const p = inputs.predictions[i];
  if (typeof p !== "string") throw new TypeError(`Cannot compute ${metric}: prediction ${i} must be a string`);
  return p;
}

function exactMatch(inputs: MetricInputs): number[] {
  checkLengths("exact_match", inputs);
  return inputs.predictions.map((_, i) => {
    const h = normalizeAnswer(hypOf("exact_match", inputs, i));
    return refsOf("exact_match", inputs, i).some((r) => normalizeAnswer(r) === h) ? 1 : 0;
  });
}

function tokenF1(inputs: MetricInputs): number[] {
  checkLengths("token_f1", inputs);
  return inputs.predictions.map((_, i) => {
    const h = normalizeAnswer(hypOf("token_f1", inputs, i)).split(" ").filter(Boolean);
    return Math.max(
      ...refsOf("token_f1", inputs, i).map((ref) => {
        const r = normalizeAnswer(ref).split(" ").filter(Boolean);
        if (h.length === 0 || r.length === 0) return h.length === r.length ? 1 : 0;
        const counts = new Map<string, number>();
        for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
        let common = 0;
        for (const t of h) {
          const c = counts.get(t) ?? 0;
          if (c > 0) {
            common++;
            counts.set(t, c - 1);
          }
        }
        if (common === 0) return 0;
        const p = common / h.length, rec = common / r.length;
        return (2 * p * rec) / (p + rec);
      }),
    );
  });
}

/**
 * sacreBLEU's `13a` tokeniser (mteval-v13a.pl's): splits off punctuation and
 * symbols, periods and commas unless next to a digit, and dashes after a
 * digit.
 *
 * @example
 * ```ts
 * import { tokenize13a } from "./text_metrics.ts";
 * if (tokenize13a("It's 3.5-4 (ok).").join(" ") !== "It's 3.5 - 4 ( ok ) .") throw new Error("13a");
 * ```
 */
export function tokenize13a(line: string): string[] {
  let s = line.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (s.includes("&")) {
    s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  }
  s = ` ${s} `;
  s = s.replace(/([\{-\~\[-\` -\&\(-\+\:-\@\/])/g, " $1 ");
  s = s.replace(/([^0-9])([\.,])/g, "$1 $2 ");
  s = s.replace(/([\.,])([^0-9])/g, " $1 $2");
  s = s.replace(/([0-9])(-)/g, "$1 $2 ");
  return s.split(/\s+/).filter(Boolean);
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join("\u0001");
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Options of {@linkcode corpusBleu}: sacreBLEU's defaults. */
export interface BleuOptions {
  /** `13a` (default) or `none` (split on whitespace). */
  tokenize?: "13a" | "none";
  /** `exp` (default, mteval's 1/2^k for orders with no match) or `none`. */
  smooth?: "exp" | "none";
  /** Highest n-gram order (default 4). */
  maxOrder?: number;
}

/** The parts of a BLEU score (sacreBLEU's `BLEUScore`). */
export interface BleuResult {
  /** BLEU, 0-100. */
  score: number;
  /** n-gram precisions (0-100) after smoothing. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** Hypothesis tokens, and the closest reference lengths summed. */
  sysLen: number;
  /** The closest reference lengths summed (ties to the shorter). */
  refLen: number;
}

/** BLEU from summed statistics `[sysLen, refLen, correct_1..N, total_1..N]` (sacreBLEU's `compute_bleu`). */
function bleuFromStats(s: ArrayLike<number>, maxOrder: number, smooth: "exp" | "none"): BleuResult {
  const sysLen = s[0]!, refLen = s[1]!;
  const precisions: number[] = [];
  let smoothMteval = 1;
  for (let n = 0; n < maxOrder; n++) {
    const correct = s[2 + n]!, total = s[2 + maxOrder + n]!;
    if (total === 0) precisions.push(0);
    else if (correct === 0 && smooth === "exp") {
      smoothMteval *= 2;
      precisions.push(100 / (smoothMteval * total));
    } else precisions.push((100 * correct) / total);
  }
  const bp = sysLen === 0 ? 0 : sysLen < refLen ? Math.exp(1 - refLen / sysLen) : 1;
  const score = precisions.some((p) => p === 0)
    ? 0
    : bp * Math.exp(precisions.reduce((a, p) => a + Math.log(p), 0) / maxOrder);
  return { score, precisions, bp, sysLen, refLen };
}

function bleuRows(hyps: readonly string[], refs: readonly (readonly string[])[], o: Required<BleuOptions>) {
  const tok = (s: string) => (o.tokenize === "13a" ? tokenize13a(s) : s.split(/\s+/).filter(Boolean));
  const N = o.maxOrder, width = 2 + 2 * N;
  const rows = new Float64Array(hyps.length * width);
  hyps.forEach((h, i) => {
    // sacreBLEU strips trailing whitespace before tokenising.
    const ht = tok(h.trimEnd()), rts = refs[i]!.map((r) => tok(r.trimEnd())), at = i * width;
    // The closest reference length; ties go to the shorter one.
    let best = rts[0]!.length;
    for (const r of rts) {
      const d = Math.abs(r.length - ht.length), bd = Math.abs(best - ht.length);
      if (d < bd || (d === bd && r.length < best)) best = r.length;
    }
    rows[at] = ht.length;
    rows[at + 1] = best;
    for (let n = 1; n <= N; n++) {
      const maxRef = new Map<string, number>();
      for (const r of rts) for (const [g, c] of ngrams(r, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
      for (const [g, c] of ngrams(ht, n)) rows[at + 1 + n]! += Math.min(c, maxRef.get(g) ?? 0);
      rows[at + 1 + N + n] = Math.max(0, ht.length - n + 1);
    }
  });
  return { width, rows };
}

function bleuOptions(o: BleuOptions): Required<BleuOptions> {
  const r = { tokenize: o.tokenize ?? "13a", smooth: o.smooth ?? "exp", maxOrder: o.maxOrder ?? 4 } as const;
  if (r.tokenize !== "13a" && r.tokenize !== "none") {
    throw new RangeError(`Cannot compute bleu: tokenize must be 13a or none (got ${JSON.stringify(r.tokenize)})`);
  }
  if (r.smooth !== "exp" && r.smooth !== "none") {
    throw new RangeError(`Cannot compute bleu: smooth must be exp or none (got ${JSON.stringify(r.smooth)})`);
  }
  if (!Number.isInteger(r.maxOrder) || r.maxOrder < 1) {
    throw new RangeError(`Cannot compute bleu: maxOrder must be a positive integer (got ${r.maxOrder})`);
  }
  return r;
}

/**
 * Corpus BLEU (0-100) with its parts, as sacreBLEU's `corpus_bleu` computes
 * it; `refs[i]` holds the references of hypothesis `i`.
 *
 * @example sacreBLEU's README example: BLEU = 48.53
 * ```ts
 * import { corpusBleu } from "./text_metrics.ts";
 * const b = corpusBleu(
 *   ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."],
 *   [
 *     ["The dog bit the man.", "The dog had bit the man."],
 *     ["It was not unexpected.", "No one was surprised."],
 *     ["The man bit him first.", "The man had bitten the dog."],
 *   ],
 * );
 * if (b.score.toFixed(2) !== "48.53") throw new Error(`BLEU ${b.score}`);
 * ```
 */
export function corpusBleu(
  hyps: readonly string[],
  refs: readonly (readonly string[])[],
  options: BleuOptions = {},
): BleuResult {
  const o = bleuOptions(options);
  const { width, rows } = bleuRows(hyps, refs, o);
  const sums = new Float64Array(width);
  for (let i = 0; i < rows.length; i++) sums[i % width]! += rows[i]!;
  return bleuFromStats(sums, o.maxOrder, o.smooth);
}

/** Options of {@linkcode corpusChrf}: sacreBLEU's `CHRF()` defaults. */
export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  order?: number;
  /** Recall weight (default 2: chrF2). */
  beta?: number;
  /** Keep whitespace in the n-grams (default false). */
  whitespace?: boolean;
  /** chrF++.py's smoothing: average F over orders, eps for empty ones (default false). */
  epsSmoothing?: boolean;
}

function charNgramStats(hyp: string, ref: string, o: Required<ChrfOptions>): number[] {
  const strip = (s: string) => o.whitespace ? [...s] : [...s.replace(/\s+/g, "")];
  const h = strip(hyp), r = strip(ref);
  const stats: number[] = [];
  for (let n = 1; n <= o.order; n++) {
    const hc = ngrams(h, n), rc = ngrams(r, n);
    let match = 0;
    for (const [g, c] of hc) match += Math.min(c, rc.get(g) ?? 0);
    stats.push(Math.max(0, h.length - n + 1), Math.max(0, r.length - n + 1), match);
  }
  return stats;
}

/** chrF from statistics `[hyp, ref, match]` per order (sacreBLEU's `CHRF._compute_f_score`). */
function chrfScore(stats: ArrayLike<number>, o: Required<ChrfOptions>): number {
  const eps = 1e-16, factor = o.beta * o.beta;
  let avgPrec = 0, avgRec = 0, effective = 0, smoothed = 0;
  for (let i = 0; i < o.order; i++) {
    const nh = stats[3 * i]!, nr = stats[3 * i + 1]!, nm = stats[3 * i + 2]!;
    const prec = nh > 0 ? nm / nh : eps, rec = nr > 0 ? nm / nr : eps;
    const denom = factor * prec + rec;
    smoothed += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nh > 0 && nr > 0) {
      avgPrec += prec;
      avgRec += rec;
      effective++;
    }
  }
  if (o.epsSmoothing) return (100 * smoothed) / o.order;
  if (effective === 0) return 0;
  avgPrec /= effective;
  avgRec /= effective;
  return avgPrec + avgRec ? (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec) : 0;
}

function chrfOptions(o: ChrfOptions): Required<ChrfOptions> {
  const r = {
    order: o.order ?? 6,
    beta: o.beta ?? 2,
    whitespace: o.whitespace ?? false,
    epsSmoothing: o.epsSmoothing ?? false,
  };
  if (!Number.isInteger(r.order) || r.order < 1) {
    throw new RangeError(`Cannot compute chrf: order must be a positive integer (got ${r.order})`);
  }
  if (!(r.beta > 0)) throw new RangeError(`Cannot compute chrf: beta must be positive (got ${r.beta})`);
  return r;
}

function chrfRows(hyps: readonly string[], refs: readonly (readonly string[])[], o: Required<ChrfOptions>) {
  const width = 3 * o.order;
  const rows = new Float64Array(hyps.length * width);
  hyps.forEach((h, i) => {
    // With several references, the one with the best sentence-level score counts.
    let best: number[] = [], bestF = -1;
    for (const r of refs[i]!) {
      const s = charNgramStats(h, r, o), f = chrfScore(s, o);
      if (f > bestF) [best, bestF] = [s, f];
    }
    rows.set(best, i * width);
  });
  return { width, rows };
}

/**
 * Corpus chrF (0-100), sacreBLEU's `CHRF()` defaults: character 6-grams,
 * beta 2, whitespace ignored.
 *
 * @example sacreBLEU's README example: chrF2 = 59.73
 * ```ts
 * import { corpusChrf } from "./text_metrics.ts";
 * const c = corpusChrf(
 *   ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."],
 *   [
 *     ["The dog bit the man.", "The dog had bit the man."],
 *     ["It was not unexpected.", "No one was surprised."],
 *     ["The man bit him first.", "The man had bitten the dog."],
 *   ],
 * );
 * if (c.toFixed(2) !== "59.73") throw new Error(`chrF ${c}`);
 * ```
 */
export function corpusChrf(
  hyps: readonly string[],
  refs: readonly (readonly string[])[],
  options: ChrfOptions = {},
): number {
  const o = chrfOptions(options);
  const { width, rows } = chrfRows(hyps, refs, o);
  const sums = new Float64Array(width);
  for (let i = 0; i < rows.length; i++) sums[i % width]! += rows[i]!;
  return chrfScore(sums, o);
}

function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Int32Array(b.length + 1), cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * rouge-score's default tokeniser: lower case, runs of `[a-z0-9]`.
 *
 * @example
 * ```ts
 * import { rougeTokens } from "./text_metrics.ts";
 * if (rougeTokens("The Cat's 2 hats!").join(" ") !== "the cat s 2 hats") throw new Error("tokens");
 * ```
 */
export function rougeTokens(s: string): string[] {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, " ").split(" ").filter(Boolean);
}

function rougeL(inputs: MetricInputs): number[] {
  checkLengths("rouge_l", inputs);
  return inputs.predictions.map((_, i) => {
    const h = rougeTokens(hypOf("rouge_l", inputs, i));
    return Math.max(
      ...refsOf("rouge_l", inputs, i).map((ref) => {
        const r = rougeTokens(ref);
        const l = lcs(r, h);
        if (l === 0) return 0;
        const p = l / h.length, rec = l / r.length;
        return (2 * p * rec) / (p + rec);
      }),
    );
  });
}

function distinct(n: number) {
  return (inputs: MetricInputs): number => {
    if (!Array.isArray(inputs.predictions) || inputs.predictions.length === 0) {
      throw new RangeError(`Cannot compute distinct_${n}: there are no predictions`);
    }
    const seen = new Set<string>();
    let total = 0;
    inputs.predictions.forEach((p, i) => {
      if (typeof p !== "string") throw new TypeError(`Cannot compute distinct_${n}: prediction ${i} must be a string`);
      const toks = p.split(/\s+/).filter(Boolean);
      for (let k = 0; k + n <= toks.length; k++) {
        seen.add(toks.slice(k, k + n).join("\u0001"));
        total++;
      }
    });
    return total === 0 ? 0 : seen.size / total;
  };
}

function corpusInputs(metric: string, inputs: MetricInputs): { hyps: string[]; refs: string[][] } {
  checkLengths(metric, inputs);
  return {
    hyps: inputs.predictions.map((_, i) => hypOf(metric, inputs, i)),
    refs: inputs.references.map((_, i) => refsOf(metric, inputs, i)),
  };
}

function bleuDecompose(inputs: MetricInputs): Decomposition {
  const { hyps, refs } = corpusInputs("bleu", inputs);
  const o = bleuOptions({
    ...(inputs.tokenize !== undefined ? { tokenize: inputs.tokenize as "13a" } : {}),
    ...(inputs.smooth !== undefined ? { smooth: inputs.smooth as "exp" } : {}),
  });
  return { ...bleuRows(hyps, refs, o), score: (s) => bleuFromStats(s, o.maxOrder, o.smooth).score };
}

function chrfDecompose(inputs: MetricInputs): Decomposition {
  const { hyps, refs } = corpusInputs("chrf", inputs);
  const o = chrfOptions({
    ...(inputs.beta !== undefined ? { beta: inputs.beta as number } : {}),
    ...(inputs.whitespace !== undefined ? { whitespace: Boolean(inputs.whitespace) } : {}),
    ...(inputs.eps_smoothing !== undefined ? { epsSmoothing: Boolean(inputs.eps_smoothing) } : {}),
  });
  return { ...chrfRows(hyps, refs, o), score: (s) => chrfScore(s, o) };
}

/**
 * The text metrics.
 *
 * @example
 * ```ts
 * import { TEXT_METRICS } from "./text_metrics.ts";
 * const em = TEXT_METRICS.find((m) => m.name === "exact_match")!;
 * // SQuAD normalisation drops case, punctuation and articles.
 * if (em.compute({ predictions: ["The Whale!", "a ship"], references: ["whale", "boat"] }) !== 0.5) {
 *   throw new Error("wrong exact match");
 * }
 * ```
 */
export const TEXT_METRICS: Metric[] = [
  {
    name: "exact_match",
    description:
      "Share of predictions equal to a reference after SQuAD normalisation (case, punctuation, articles, spaces)",
    kind: "per-example",
    higherIsBetter: true,
    reference: "SQuAD v2.0 evaluate-v2.0.py (normalize_answer, compute_exact), best reference",
    perExample: exactMatch,
    compute: (i) => _mean(exactMatch(i)),
  },
  {
    name: "token_f1",
    description: "SQuAD token F1 between the normalised prediction and its best reference",
    kind: "per-example",
    higherIsBetter: true,
    reference: "SQuAD v2.0 evaluate-v2.0.py (compute_f1), best reference",
    perExample: tokenF1,
    compute: (i) => _mean(tokenF1(i)),
  },
  {
    name: "bleu",
    description:
      "Corpus BLEU (0-100), sacreBLEU defaults: 13a tokens, exp smoothing, 4-grams (options tokenize, smooth)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "sacreBLEU 2.x corpus_bleu defaults (Post 2018); NLTK corpus_bleu with SmoothingFunction().method3",
    decompose: bleuDecompose,
    compute: (i) => _scoreAll(bleuDecompose(i)),
  },
  {
    name: "chrf",
    description:
      "Corpus chrF2 (0-100): character 6-gram F-score, beta 2, whitespace ignored (options beta, whitespace)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "sacreBLEU 2.x CHRF() defaults (Popović 2015)",
    decompose: chrfDecompose,
    compute: (i) => _scoreAll(chrfDecompose(i)),
  },
  {
    name: "rouge_l",
    description: "ROUGE-L F-measure (longest common subsequence), best reference, mean over examples",
    kind: "per-example",
    higherIsBetter: true,
    reference: "Lin 2004; Google's rouge-score rougeL (default tokeniser, no stemming)",
    perExample: rougeL,
    compute: (i) => _mean(rougeL(i)),
  },
  {
    name: "distinct_1",
    description: "Distinct unigrams / all unigrams over the predictions (whitespace tokens)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "Li et al. 2016, 'A Diversity-Promoting Objective Function for Neural Conversation Models'",
    compute: distinct(1),
  },
  {
    name: "distinct_2",
    description: "Distinct bigrams / all bigrams over the predictions (whitespace tokens)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "Li et al. 2016, 'A Diversity-Promoting Objective Function for Neural Conversation Models'",
    compute: distinct(2),
  },
];
