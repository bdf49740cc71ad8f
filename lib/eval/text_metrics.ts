/**
 * Metrics of generated text: exact match and token F1 (SQuAD's
 * normalisation), corpus BLEU and chrF (sacreBLEU's defaults: 13a
 * tokenisation, exponential smoothing; chrF2 over character 6-grams),
 * ROUGE-L (Lin 2004, as Google's rouge-score tokenises), and distinct-1/2.
 *
 * @module
 */
import { checkLengths, mean, type Metric, type MetricInputs } from "./metric.ts";

const PUNCT = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/** SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  const noPunct = [...lower].filter((c) => !PUNCT.has(c)).join("");
  return noPunct.replace(/\b(a|an|the)\b/g, " ").split(/\s+/).filter(Boolean).join(" ");
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

/** sacreBLEU's `13a` tokeniser (mteval-v13a.pl's). */
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

/** Corpus BLEU (0-100) with its parts, as sacreBLEU's `corpus_bleu` computes it. */
export function corpusBleu(
  hyps: readonly string[],
  refs: readonly (readonly string[])[],
  options: { tokenize?: "13a" | "none"; smooth?: "exp" | "none"; maxOrder?: number } = {},
): { score: number; precisions: number[]; bp: number; sysLen: number; refLen: number } {
  const { tokenize = "13a", smooth = "exp", maxOrder = 4 } = options;
  const tok = (s: string) => (tokenize === "13a" ? tokenize13a(s) : s.split(/\s+/).filter(Boolean));
  const correct = new Array<number>(maxOrder).fill(0), total = new Array<number>(maxOrder).fill(0);
  let sysLen = 0, refLen = 0;
  hyps.forEach((h, i) => {
    const ht = tok(h);
    const rts = refs[i]!.map(tok);
    sysLen += ht.length;
    // The closest reference length; ties go to the shorter one.
    let best = rts[0]!.length;
    for (const r of rts) {
      const d = Math.abs(r.length - ht.length), bd = Math.abs(best - ht.length);
      if (d < bd || (d === bd && r.length < best)) best = r.length;
    }
    refLen += best;
    for (let n = 1; n <= maxOrder; n++) {
      const hc = ngrams(ht, n);
      const maxRef = new Map<string, number>();
      for (const r of rts) for (const [g, c] of ngrams(r, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
      for (const [g, c] of hc) correct[n - 1]! += Math.min(c, maxRef.get(g) ?? 0);
      total[n - 1]! += Math.max(0, ht.length - n + 1);
    }
  });
  const precisions: number[] = [];
  let smoothMteval = 1;
  for (let n = 0; n < maxOrder; n++) {
    if (total[n] === 0) {
      precisions.push(0);
      continue;
    }
    if (correct[n] === 0 && smooth === "exp") {
      smoothMteval *= 2;
      precisions.push(100 / (smoothMteval * total[n]!));
    } else precisions.push((100 * correct[n]!) / total[n]!);
  }
  const bp = sysLen === 0 ? 0 : sysLen < refLen ? Math.exp(1 - refLen / sysLen) : 1;
  const score = precisions.some((p) => p === 0)
    ? 0
    : bp * Math.exp(precisions.reduce((a, p) => a + Math.log(p), 0) / maxOrder);
  return { score, precisions, bp, sysLen, refLen };
}

function charNgramStats(hyp: string, ref: string, order: number): number[] {
  const h = hyp.replace(/\s+/g, ""), r = ref.replace(/\s+/g, "");
  const stats: number[] = [];
  for (let n = 1; n <= order; n++) {
    const hc = ngrams([...h], n), rc = ngrams([...r], n);
    let match = 0;
    for (const [g, c] of hc) match += Math.min(c, rc.get(g) ?? 0);
    stats.push(Math.max(0, [...h].length - n + 1), Math.max(0, [...r].length - n + 1), match);
  }
  return stats;
}

function chrfScore(stats: number[], order: number, beta: number): number {
  const eps = 1e-16, factor = beta * beta;
  let avgPrec = 0, avgRec = 0, effective = 0;
  for (let i = 0; i < order; i++) {
    const [nh, nr, nm] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    const prec = nh > 0 ? nm / nh : eps, rec = nr > 0 ? nm / nr : eps;
    if (nh > 0 && nr > 0) {
      avgPrec += prec;
      avgRec += rec;
      effective++;
    }
  }
  if (effective === 0) return 0;
  avgPrec /= effective;
  avgRec /= effective;
  return avgPrec + avgRec ? (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec) : 0;
}

/** Corpus chrF (0-100), sacreBLEU's `CHRF()` defaults: character 6-grams, beta 2, whitespace ignored. */
export function corpusChrf(
  hyps: readonly string[],
  refs: readonly (readonly string[])[],
  options: { order?: number; beta?: number } = {},
): number {
  const { order = 6, beta = 2 } = options;
  const total = new Array<number>(3 * order).fill(0);
  hyps.forEach((h, i) => {
    // With several references, the one with the best sentence-level score counts.
    let best: number[] | null = null, bestF = -1;
    for (const r of refs[i]!) {
      const s = charNgramStats(h, r, order), f = chrfScore(s, order, beta);
      if (f > bestF) [best, bestF] = [s, f];
    }
    best!.forEach((v, k) => (total[k]! += v));
  });
  return chrfScore(total, order, beta);
}

function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** rouge-score's default tokeniser: lower case, runs of [a-z0-9]. */
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
        const l = lcs(h, r);
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

/** The text metrics. */
export const TEXT_METRICS: Metric[] = [
  {
    name: "exact_match",
    description:
      "Share of predictions equal to a reference after SQuAD normalisation (case, punctuation, articles, spaces)",
    kind: "per-example",
    higherIsBetter: true,
    reference: "SQuAD v1.1 evaluate-v1.1.py (normalize_answer, exact_match_score)",
    perExample: exactMatch,
    compute: (i) => mean(exactMatch(i)),
  },
  {
    name: "token_f1",
    description: "SQuAD token F1 between normalised prediction and best reference",
    kind: "per-example",
    higherIsBetter: true,
    reference: "SQuAD v1.1 evaluate-v1.1.py (f1_score)",
    perExample: tokenF1,
    compute: (i) => mean(tokenF1(i)),
  },
  {
    name: "bleu",
    description:
      "Corpus BLEU (0-100), sacreBLEU defaults: 13a tokens, exp smoothing, 4-grams (options tokenize, smooth)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "sacreBLEU 2.x corpus_bleu defaults (Post 2018); NLTK corpus_bleu for the unsmoothed core",
    compute: (inputs) => {
      const { hyps, refs } = corpusInputs("bleu", inputs);
      return corpusBleu(hyps, refs, {
        tokenize: (inputs.tokenize as "13a" | "none" | undefined) ?? "13a",
        smooth: (inputs.smooth as "exp" | "none" | undefined) ?? "exp",
      }).score;
    },
  },
  {
    name: "chrf",
    description: "Corpus chrF2 (0-100): character 6-gram F-score with beta 2, whitespace ignored",
    kind: "corpus",
    higherIsBetter: true,
    reference: "sacreBLEU 2.x CHRF() defaults (Popović 2015)",
    compute: (inputs) => {
      const { hyps, refs } = corpusInputs("chrf", inputs);
      return corpusChrf(hyps, refs);
    },
  },
  {
    name: "rouge_l",
    description: "ROUGE-L F-measure (LCS), best reference, mean over examples",
    kind: "per-example",
    higherIsBetter: true,
    reference: "Lin 2004; tokenised as Google's rouge-score (no stemming)",
    perExample: rougeL,
    compute: (i) => mean(rougeL(i)),
  },
  {
    name: "distinct_1",
    description: "Distinct unigrams / all unigrams over the predictions (Li et al. 2016)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "Li et al. 2016, 'A Diversity-Promoting Objective Function for Neural Conversation Models'",
    compute: distinct(1),
  },
  {
    name: "distinct_2",
    description: "Distinct bigrams / all bigrams over the predictions (Li et al. 2016)",
    kind: "corpus",
    higherIsBetter: true,
    reference: "Li et al. 2016, 'A Diversity-Promoting Objective Function for Neural Conversation Models'",
    compute: distinct(2),
  },
];
