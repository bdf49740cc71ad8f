/**
 * The text the filters match against, made hard to evade: NFKC (full-width
 * letters, ligatures), zero-width characters and soft hyphens removed,
 * Cyrillic and Greek look-alikes mapped to Latin letters, and (in a second
 * view) line breaks removed, so a secret split across lines still matches.
 * Every character of a view knows the span of the original it came from.
 *
 * @module
 */

const INVISIBLE = new Set([
  0x00ad,
  0x034f,
  0x061c,
  0x115f,
  0x1160,
  0x17b4,
  0x17b5,
  0x180e,
  0x200b,
  0x200c,
  0x200d,
  0x200e,
  0x200f,
  0x2060,
  0x2061,
  0x2062,
  0x2063,
  0x2064,
  0xfeff,
]);

const HOMOGLYPHS: Record<string, string> = Object.fromEntries([
  // Cyrillic
  ..."АAВBЕEЁEКKМMНHОOРPСCТTХXУYЅSІIЈJаaеeёeоoрpсcуyхxѕsіiјjԁdһhԛqԝwӏl".match(/../gu)!.map((p) => [p[0], p[1]]),
  // Greek
  ..."ΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXοoνvιiκkρpυuχxαaτt".match(/../gu)!.map((p) => [p[0], p[1]]),
]) as Record<string, string>;

/**
 * A normalised view of a text. Its map back to the original is kept as pieces rather than one entry
 * per character: a run of plain characters maps one to one, and each replaced character (NFKC, a
 * homoglyph) maps its units to the one original character; {@linkcode originalSpan} looks a span up.
 */
export interface TextView {
  /** The normalised text. */
  text: string;
  /** The same, lower-cased character by character (same length). */
  lower: string;
  /** Where each piece starts in `text` (ascending; empty when the view is the original itself). */
  pieceAt: Int32Array;
  /** Where each piece starts in the original. */
  pieceFrom: Int32Array;
  /** 1 for a replaced character (all its units map to the whole character), 0 for a plain run. */
  pieceReplaced: Uint8Array;
  /** The original's length of each replaced piece (1 or 2 UTF-16 units). */
  pieceSize: Uint8Array;
}

function _piece(view: TextView, v: number): number {
  let lo = 0, hi = view.pieceAt.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (view.pieceAt[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The span of the original that view units `a` to `b` (exclusive) came from.
 *
 * @example
 * ```ts
 * import { normalizedView, originalSpan } from "./normalize.ts";
 * const v = normalizedView("ｋｅｙ: x\u200by", true);
 * if (v.text !== "key: xy") throw new Error(v.text);
 * const [a, b] = originalSpan(v, 5, 7); // "xy" came from "x\u200by"
 * if (a !== 5 || b !== 8) throw new Error(`${a} ${b}`);
 * ```
 */
export function originalSpan(view: TextView, a: number, b: number): [number, number] {
  if (view.pieceAt.length === 0) return [a, b];
  const pa = _piece(view, a), pb = _piece(view, b - 1);
  const start = view.pieceReplaced[pa] ? view.pieceFrom[pa]! : view.pieceFrom[pa]! + (a - view.pieceAt[pa]!);
  const end = view.pieceReplaced[pb]
    ? view.pieceFrom[pb]! + view.pieceSize[pb]!
    : view.pieceFrom[pb]! + (b - 1 - view.pieceAt[pb]!) + 1;
  return [start, end];
}

// The characters a view changes: invisible ones, homoglyphs, those NFKC rewrites (found once, on first
// use, by normalising every BMP character: ~3,000 of them) and astral characters (surrogate pairs).
// Everything else (ASCII, an em dash, a curly quote) maps to itself: a character loop finds the non-ASCII
// characters and a table says whether each one changes.
let _changes: Uint8Array | undefined;
function _changeTable(): Uint8Array {
  if (_changes) return _changes;
  const t = new Uint8Array(0x10000);
  for (let cp = 0x80; cp <= 0xffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdbff) {
      t[cp] = 1; // a lead surrogate: an astral character goes the slow way
      continue;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) continue;
    const c = String.fromCharCode(cp);
    if (INVISIBLE.has(cp) || c in HOMOGLYPHS || c.normalize("NFKC") !== c) t[cp] = 1;
  }
  return _changes = t;
}
const _normCache = new Map<number, string>();

/**
 * The index of the next character from `i` that the table marks (or a line break, when lines are
 * joined), or the length: a tight character loop (unchanged non-ASCII characters, such as em dashes
 * and curly quotes, stay in the plain run).
 */
function _nextChange(s: string, i: number, joinLines: boolean, changes: Uint8Array): number {
  const n = s.length;
  if (joinLines) {
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80 ? c === 10 || c === 13 : changes[c] === 1) return i;
    }
    return n;
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 && changes[c] === 1) return i;
  }
  return n;
}

function _lowerSameLength(text: string): string {
  const l = text.toLowerCase();
  if (l.length === text.length) return l;
  let out = "";
  for (const c of text) {
    const lc = c.toLowerCase();
    out += lc.length === c.length ? lc : c;
  }
  return out;
}

/** A view whose `lower` is computed on first use (only literal rules and callers need it). */
class _View implements TextView {
  #lower: string | undefined;
  constructor(
    readonly text: string,
    readonly pieceAt: Int32Array,
    readonly pieceFrom: Int32Array,
    readonly pieceReplaced: Uint8Array,
    readonly pieceSize: Uint8Array,
  ) {}
  get lower(): string {
    return this.#lower ??= _lowerSameLength(this.text);
  }
}

const EMPTY_I32 = new Int32Array(0), EMPTY_U8 = new Uint8Array(0);

/** The view of a text that normalising leaves as it is: the original itself, no pieces. */
function _identityView(original: string): TextView {
  return new _View(original, EMPTY_I32, EMPTY_I32, EMPTY_U8, EMPTY_U8);
}

/**
 * Builds a view; `joinLines` also drops line breaks.
 *
 * @example
 * ```ts
 * import { normalizedView, originalSpan } from "./normalize.ts";
 * // A zero-width space and a Cyrillic "а" do not hide the word; spans point into the original.
 * const v = normalizedView("p\u200bаss\nword", true);
 * if (v.lower !== "password") throw new Error(v.lower);
 * if (originalSpan(v, 1, 8).join() !== "2,10") throw new Error("bad spans");
 * ```
 */
export function normalizedView(original: string, joinLines = false): TextView {
  const ascii = !/[\u0080-\uffff]/.test(original);
  if (ascii && !(joinLines && /[\r\n]/.test(original))) {
    // Plain ASCII: the view is the original.
    return _identityView(original);
  }
  if (ascii) {
    // ASCII with line breaks to drop: one piece per line.
    const at: number[] = [], from: number[] = [], parts: string[] = [];
    let len = 0;
    for (let i = 0; i < original.length;) {
      let j = i;
      while (j < original.length && original.charCodeAt(j) !== 10 && original.charCodeAt(j) !== 13) j++;
      if (j > i) {
        at.push(len), from.push(i), parts.push(original.slice(i, j));
        len += j - i;
      }
      i = j + 1;
    }
    return new _View(
      parts.join(""),
      Int32Array.from(at),
      Int32Array.from(from),
      new Uint8Array(at.length),
      new Uint8Array(at.length),
    );
  }
  const changes = _changeTable();
  const at: number[] = [], from: number[] = [], replaced: number[] = [], sizes: number[] = [];
  const parts: string[] = [];
  let len = 0, runStart = 0, i = 0;
  const n = original.length;
  const flush = (to: number) => {
    if (to > runStart) {
      at.push(len), from.push(runStart), replaced.push(0), sizes.push(0);
      parts.push(original.slice(runStart, to));
      len += to - runStart;
    }
  };
  for (;;) {
    i = _nextChange(original, i, joinLines, changes);
    if (i >= n) break;
    const cp = original.codePointAt(i)!;
    const size = cp > 0xffff ? 2 : 1;
    let mapped = _normCache.get(cp);
    if (mapped === undefined) {
      mapped = "";
      if (!INVISIBLE.has(cp)) {
        for (const unit of String.fromCodePoint(cp).normalize("NFKC").split("")) mapped += HOMOGLYPHS[unit] ?? unit;
      }
      if (_normCache.size < 4096) _normCache.set(cp, mapped);
    }
    const isBreak = cp === 0x0a || cp === 0x0d;
    if (joinLines && isBreak) mapped = "";
    else if (mapped.length === size && mapped === original.slice(i, i + size)) {
      // Unchanged (an em dash, a curly quote): it stays in the plain run.
      i += size;
      continue;
    }
    flush(i);
    if (mapped.length) {
      at.push(len), from.push(i), replaced.push(1), sizes.push(size);
      parts.push(mapped);
      len += mapped.length;
    }
    i += size;
    runStart = i;
  }
  if (runStart === 0) {
    // Nothing changed (non-ASCII text without look-alikes or line breaks to drop): the view is the original.
    return _identityView(original);
  }
  flush(n);
  return new _View(
    parts.join(""),
    Int32Array.from(at),
    Int32Array.from(from),
    Uint8Array.from(replaced),
    Uint8Array.from(sizes),
  );
}

/**
 * The literal as the filters compare it: normalised and lower-cased.
 *
 * @example
 * ```ts
 * import { normalizeLiteral } from "./normalize.ts";
 * // NFKC turns the full-width letters into ASCII before lower-casing.
 * if (normalizeLiteral("ＳＥＣＲＥＴ") !== "secret") throw new Error(normalizeLiteral("ＳＥＣＲＥＴ"));
 * ```
 */
export function normalizeLiteral(s: string): string {
  return normalizedView(s).lower;
}

/**
 * Whether a digit string passes the Luhn checksum (card numbers).
 *
 * @example
 * ```ts
 * import { luhn } from "./normalize.ts";
 * if (!luhn("4111 1111 1111 1111") || luhn("4111 1111 1111 1112") || luhn("")) throw new Error("wrong checksum");
 * ```
 */
export function luhn(s: string): boolean {
  const digits = s.replace(/\D/g, "");
  if (digits.length === 0) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
