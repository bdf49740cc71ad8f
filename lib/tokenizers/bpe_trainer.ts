/**
 * The BPE training loop shared by byte-level BPE and WordPiece: merge the
 * most frequent adjacent pair of symbols over a table of word counts, with
 * Hugging Face's rules (special tokens first, then the alphabet sorted by
 * code point, ties to the pair of lower ids, an existing token reused when a
 * merge rebuilds it), incrementally: only the words holding the merged pair
 * are touched, and a lazy max-heap picks the next pair.
 *
 * @module
 */

/** Progress of a training run. */
export interface TrainProgress {
  /** Merges done so far. */
  merges: number;
  /** Merges needed to reach the vocabulary size. */
  target: number;
  /** Milliseconds since training started. */
  elapsedMs: number;
}

/** Options of {@linkcode trainBpeMerges}. */
export interface BpeMergesOptions {
  /** Stop when the vocabulary (special tokens, alphabet and merged tokens) has this many tokens. */
  vocabSize: number;
  /** Stop when the most frequent pair occurs fewer times (default 2). */
  minFrequency?: number;
  /** Tokens given the first ids. */
  specialTokens?: readonly string[];
  /** Symbols in the vocabulary even if unseen (byte-level BPE: all 256 byte characters). */
  alphabet?: readonly string[];
  /**
   * Prefix of symbols that continue a word (WordPiece: `##`): every symbol
   * but a word's first carries it, and a merge drops it from its right part.
   */
  continuingPrefix?: string;
  /** Called every 64 merges and at the end. */
  onProgress?: (p: TrainProgress) => void;
}

/**
 * Learns merges from `words` (word -> count; a word's symbols are its code
 * points). Returns the vocabulary in id order and the merges in order.
 *
 * @example
 * ```ts
 * import { trainBpeMerges } from "./bpe_trainer.ts";
 * const { vocab, merges } = trainBpeMerges(new Map([["hug", 10], ["pug", 5], ["hugs", 5]]), { vocabSize: 7 });
 * if (merges[0]!.join(" ") !== "u g" || vocab.at(-1) !== "hug") throw new Error(JSON.stringify(merges));
 * ```
 */
export function trainBpeMerges(
  words: ReadonlyMap<string, number>,
  options: BpeMergesOptions,
): { vocab: string[]; merges: [string, string][] } {
  const { vocabSize, minFrequency = 2, specialTokens = [], alphabet = [], continuingPrefix, onProgress } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new RangeError(`Cannot train tokenizer: vocabSize must be a positive integer (got ${vocabSize})`);
  }
  const t0 = performance.now();
  const vocab: string[] = [];
  const index = new Map<string, number>();
  const add = (t: string) => {
    if (!index.has(t)) {
      index.set(t, vocab.length);
      vocab.push(t);
    }
  };
  specialTokens.forEach(add);
  // The alphabet, by code point, then (WordPiece) its continuing forms, by code point too.
  const chars = new Set(alphabet);
  const continuing = new Set<string>();
  for (const w of words.keys()) {
    let first = true;
    for (const c of w) {
      chars.add(c);
      if (!first) continuing.add(c);
      first = false;
    }
  }
  const byCodePoint = (a: string, b: string) => a.codePointAt(0)! - b.codePointAt(0)!;
  [...chars].sort(byCodePoint).forEach(add);
  if (continuingPrefix !== undefined) [...continuing].sort(byCodePoint).forEach((c) => add(continuingPrefix + c));
  const target = Math.max(0, vocabSize - vocab.length);

  // Words as symbol ids, with counts.
  const syms: number[][] = [];
  const counts: number[] = [];
  for (const [w, n] of words) {
    const s: number[] = [];
    let first = true;
    for (const c of w) {
      s.push(index.get(first || continuingPrefix === undefined ? c : continuingPrefix + c)!);
      first = false;
    }
    syms.push(s);
    counts.push(n);
  }

  // Pair keys pack two ids; ids stay below `stride`.
  const stride = Math.max(vocabSize, vocab.length) + 1;
  const pairCount = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  for (let w = 0; w < syms.length; w++) {
    const s = syms[w]!, n = counts[w]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i]! * stride + s[i + 1]!;
      pairCount.set(key, (pairCount.get(key) ?? 0) + n);
      let set = where.get(key);
      if (set === undefined) where.set(key, set = new Set());
      set.add(w);
    }
  }
  const heap = new _PairHeap();
  for (const [key, n] of pairCount) if (n > 0) heap.push(key, n);

  const merges: [string, string][] = [];
  const strip = (t: string) =>
    continuingPrefix !== undefined && t.startsWith(continuingPrefix) ? t.slice(continuingPrefix.length) : t;
  while (vocab.length < vocabSize && heap.size > 0) {
    const [key, stored] = heap.pop();
    const current = pairCount.get(key) ?? 0;
    if (stored !== current) {
      if (current > 0) heap.push(key, current);
      continue;
    }
    if (current < Math.max(1, minFrequency)) break;
    const a = Math.floor(key / stride), b = key % stride;
    const merged = vocab[a]! + strip(vocab[b]!);
    add(merged);
    const m = index.get(merged)!;
    merges.push([vocab[a]!, vocab[b]!]);
    const grown = new Set<number>();
    for (const w of where.get(key)!) {
      const s = syms[w]!, n = counts[w]!;
      let has = false;
      for (let i = 0; i + 1 < s.length; i++) {
        if (s[i] === a && s[i + 1] === b) {
          has = true;
          break;
        }
      }
      if (!has) continue;
      for (let i = 0; i + 1 < s.length; i++) {
        const k = s[i]! * stride + s[i + 1]!;
        pairCount.set(k, pairCount.get(k)! - n);
      }
      const next: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(m);
          i++;
        } else {
          next.push(s[i]!);
        }
      }
      syms[w] = next;
      for (let i = 0; i + 1 < next.length; i++) {
        const k = next[i]! * stride + next[i + 1]!;
        pairCount.set(k, (pairCount.get(k) ?? 0) + n);
        if (next[i] === m || next[i + 1] === m) {
          let set = where.get(k);
          if (set === undefined) where.set(k, set = new Set());
          set.add(w);
          grown.add(k);
        }
      }
    }
    where.delete(key);
    for (const k of grown) {
      const n = pairCount.get(k)!;
      if (n > 0) heap.push(k, n);
    }
    if (onProgress && merges.length % 64 === 0) {
      onProgress({ merges: merges.length, target, elapsedMs: performance.now() - t0 });
    }
  }
  onProgress?.({ merges: merges.length, target, elapsedMs: performance.now() - t0 });
  return { vocab, merges };
}

/** A binary max-heap of (pair key, count); among equal counts the pair of lower ids (first, then second) comes first. */
class _PairHeap {
  #keys: number[] = [];
  #counts: number[] = [];

  get size(): number {
    return this.#keys.length;
  }

  // True if entry i should be above entry j.
  #above(i: number, j: number): boolean {
    const ci = this.#counts[i]!, cj = this.#counts[j]!;
    if (ci !== cj) return ci > cj;
    return this.#keys[i]! < this.#keys[j]!; // key order is (first id, second id) order
  }

  #swap(i: number, j: number): void {
    const k = this.#keys[i]!, c = this.#counts[i]!;
    this.#keys[i] = this.#keys[j]!;
    this.#counts[i] = this.#counts[j]!;
    this.#keys[j] = k;
    this.#counts[j] = c;
  }

  push(key: number, count: number): void {
    this.#keys.push(key);
    this.#counts.push(count);
    for (let i = this.#keys.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.#above(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.#keys[0]!, this.#counts[0]!];
    const lastKey = this.#keys.pop()!, lastCount = this.#counts.pop()!;
    if (this.#keys.length > 0) {
      this.#keys[0] = lastKey;
      this.#counts[0] = lastCount;
      for (let i = 0;;) {
        const l = 2 * i + 1, r = l + 1;
        let best = i;
        if (l < this.#keys.length && this.#above(l, best)) best = l;
        if (r < this.#keys.length && this.#above(r, best)) best = r;
        if (best === i) break;
        this.#swap(i, best);
        i = best;
      }
    }
    return top;
  }
}
