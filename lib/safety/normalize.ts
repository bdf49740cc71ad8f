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

/** A normalised view of a text. */
export interface TextView {
  /** The normalised text. */
  text: string;
  /** The same, lower-cased character by character (same length). */
  lower: string;
  /** For each UTF-16 unit of `text`, the start of the original span it came from (null: the same offset). */
  start: Int32Array | null;
  /** ... and the end of that span (null: offset + 1). */
  end: Int32Array | null;
}

/** The original span of view units `a` to `b` (exclusive). */
export function originalSpan(view: TextView, a: number, b: number): [number, number] {
  return [view.start ? view.start[a]! : a, view.end ? view.end[b - 1]! : b];
}

// Anything outside printable ASCII and tab needs the slow path (or, for the joined view, line breaks).
const SPECIAL_KEEP_BREAKS = /[^\t\n\r\x20-\x7e]/g;

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

/**
 * Builds a view; `joinLines` also drops line breaks.
 *
 * @example
 * ```ts
 * import { normalizedView } from "./normalize.ts";
 * // A zero-width space and a Cyrillic "а" do not hide the word; spans point into the original.
 * const v = normalizedView("p\u200bаss\nword", true);
 * if (v.lower !== "password") throw new Error(v.lower);
 * if (v.start![1] !== 2 || v.end![7] !== 10) throw new Error("bad spans");
 * ```
 */
export function normalizedView(original: string, joinLines = false): TextView {
  // Fast path: plain ASCII (line breaks kept) maps one to one.
  SPECIAL_KEEP_BREAKS.lastIndex = 0;
  const plain = !SPECIAL_KEEP_BREAKS.test(original);
  if (plain && !joinLines) return { text: original, lower: original.toLowerCase(), start: null, end: null };
  const n = original.length;
  let starts = new Int32Array(n + 16), ends = new Int32Array(n + 16);
  let len = 0;
  const parts: string[] = [];
  const ensure = (extra: number) => {
    if (len + extra <= starts.length) return;
    const grow = (x: Int32Array) => {
      const y = new Int32Array(Math.max(x.length * 2, len + extra + 16));
      y.set(x);
      return y;
    };
    starts = grow(starts);
    ends = grow(ends);
  };
  const push = (s: string, from: number, to: number) => {
    ensure(s.length);
    parts.push(s);
    for (let k = 0; k < s.length; k++) {
      starts[len] = from;
      ends[len] = to;
      len++;
    }
  };
  const pushRun = (a: number, b: number) => {
    if (b <= a) return;
    ensure(b - a);
    parts.push(original.slice(a, b));
    for (let i = a; i < b; i++) {
      starts[len] = i;
      ends[len] = i + 1;
      len++;
    }
  };
  const special = joinLines ? /[^\t\x20-\x7e]/g : SPECIAL_KEEP_BREAKS;
  let i = 0;
  while (i < n) {
    special.lastIndex = i;
    const m = special.exec(original);
    const next = m ? m.index : n;
    pushRun(i, next);
    if (!m) break;
    i = next;
    const cp = original.codePointAt(i)!;
    const size = cp > 0xffff ? 2 : 1;
    const isBreak = cp === 0x0a || cp === 0x0d;
    if (!INVISIBLE.has(cp) && !(joinLines && isBreak)) {
      const norm = String.fromCodePoint(cp).normalize("NFKC");
      let mapped = "";
      for (const unit of norm.split("")) mapped += HOMOGLYPHS[unit] ?? unit;
      push(mapped, i, i + size);
    }
    i += size;
  }
  const text = parts.join("");
  return { text, lower: _lowerSameLength(text), start: starts.subarray(0, len), end: ends.subarray(0, len) };
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
