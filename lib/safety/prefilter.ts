/**
 * One pass over a text for many short ASCII literals at once: the rules' keywords (case-insensitive,
 * reported as a regex alternation of them, longest first, would report them: leftmost, longest, not
 * overlapping) and the detectors' gate literals (case-sensitive, present or not). A table of the
 * first two characters (ASCII letters folded) rejects almost every position with two lookups, so a
 * long text costs one character loop instead of a regex that tries each keyword at each position.
 *
 * @module
 */

/** What {@linkcode LiteralScanner.scan} found. */
export interface ScanResult {
  /** Keyword hits, as a flat array of [index, keyword number] pairs, in text order. */
  keywordHits: number[];
  /** The gate literals that occur (case-sensitively) at least once. */
  present: Set<string>;
}

/**
 * Scans for keywords and gate literals in one pass.
 *
 * @example
 * ```ts
 * import { LiteralScanner } from "./prefilter.ts";
 * const s = new LiteralScanner(["key", "apikey", "@"], ["ghp_", "SG."]);
 * const r = s.scan("my APIKEY and key@x, ghp_1");
 * // "apikey" wins over the "key" inside it; the later "key" and "@" are hits of their own
 * const hits = [];
 * for (let i = 0; i < r.keywordHits.length; i += 2) hits.push(`${r.keywordHits[i]}:${s.keywords[r.keywordHits[i + 1]!]}`);
 * if (hits.join() !== "3:apikey,14:key,17:@") throw new Error(hits.join());
 * if (!r.present.has("ghp_") || r.present.has("SG.")) throw new Error([...r.present].join());
 * ```
 */
export class LiteralScanner {
  /** The keywords, lower-cased. */
  readonly keywords: string[];
  readonly gates: string[];
  /**
   * Candidates by folded first two characters, as offsets into #entries (keyword k as k, gate g as
   * -1 - g); single-character keywords by their character.
   */
  #pairAt = new Int32Array(128 * 128 + 1);
  #entries: Int32Array;
  #single = new Int32Array(128).fill(-1);

  constructor(keywords: string[], gates: string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    this.gates = gates;
    const byPair = new Map<number, number[]>();
    const add = (lit: string, entry: number) => {
      for (let i = 0; i < lit.length; i++) {
        if (lit.charCodeAt(i) >= 128) throw new RangeError(`not an ASCII literal: ${JSON.stringify(lit)}`);
      }
      if (!lit.length) return;
      const c0 = lit.charCodeAt(0);
      if (lit.length === 1) {
        // Only keywords are this short (and two equal ones are one keyword).
        if (entry >= 0) this.#single[_fold(c0)] = entry;
        return;
      }
      const key = (_fold(c0) << 7) | _fold(lit.charCodeAt(1));
      byPair.set(key, [...(byPair.get(key) ?? []), entry]);
    };
    this.keywords.forEach((k, i) => add(k, i));
    gates.forEach((g, i) => add(g, -1 - i));
    const entries: number[] = [];
    for (let key = 0; key < 128 * 128; key++) {
      this.#pairAt[key] = entries.length;
      entries.push(...(byPair.get(key) ?? []));
    }
    this.#pairAt[128 * 128] = entries.length;
    this.#entries = Int32Array.from(entries);
  }

  /** Keyword hits and present gate literals of `text`. */
  scan(text: string): ScanResult {
    const keywordHits: number[] = [];
    const present = new Set<string>();
    const pairAt = this.#pairAt, entries = this.#entries, single = this.#single;
    const kws = this.keywords, gates = this.gates;
    const n = text.length;
    // A keyword hit hides keywords that start inside it (as a regex alternation's matches would).
    let resume = 0;
    let c1 = n > 0 ? text.charCodeAt(0) : 128;
    for (let i = 0; i < n; i++) {
      const c0 = c1;
      c1 = i + 1 < n ? text.charCodeAt(i + 1) : 128;

      // The common case: no literal starts with these two characters.
      const key = c0 < 128 && c1 < 128 ? (FOLD[c0]! << 7) | FOLD[c1]! : -1;
      const hasPair = key >= 0 && pairAt[key] !== pairAt[key + 1];
      if (!hasPair && (c0 >= 128 || single[FOLD[c0]!]! < 0)) continue;
      let best = i < resume ? -1 : single[FOLD[c0]!]!, bestLen = best >= 0 ? 1 : 0;
      if (hasPair) {
        for (let p = pairAt[key]!, end = pairAt[key + 1]!; p < end; p++) {
          const e = entries[p]!;
          if (e >= 0) {
            const k = kws[e]!;
            if (i < resume || k.length <= bestLen || i + k.length > n) continue;
            let j = 2;
            while (j < k.length && _fold(text.charCodeAt(i + j)) === k.charCodeAt(j)) j++;
            if (j === k.length) best = e, bestLen = k.length;
          } else {
            const g = gates[-1 - e]!;
            if (text.startsWith(g, i)) present.add(g);
          }
        }
      }
      if (best >= 0) {
        keywordHits.push(i, best);
        resume = i + bestLen;
      }
    }
    return { keywordHits, present };
  }
}

const FOLD = Uint8Array.from({ length: 128 }, (_, c) => _fold(c));

/** ASCII upper-case letters to lower case; anything else as it is. */
function _fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
