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
  /** For each UTF-16 unit of `text`, the start of the original span it came from. */
  start: Int32Array;
  /** ... and the end of that span. */
  end: Int32Array;
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
 * if (v.start[1] !== 2 || v.end[7] !== 10) throw new Error("bad spans");
 * ```
 */
export function normalizedView(original: string, joinLines = false): TextView {
  const out: string[] = [], low: string[] = [];
  const starts: number[] = [], ends: number[] = [];
  for (let i = 0; i < original.length;) {
    const cp = original.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const isBreak = cp === 0x0a || cp === 0x0d;
    if (!INVISIBLE.has(cp) && !(joinLines && isBreak)) {
      const n = String.fromCodePoint(cp).normalize("NFKC");
      for (const unit of n.split("")) {
        const c = HOMOGLYPHS[unit] ?? unit;
        const l = c.toLowerCase();
        out.push(c);
        low.push(l.length === c.length ? l : c);
        starts.push(i);
        ends.push(i + len);
      }
    }
    i += len;
  }
  return { text: out.join(""), lower: low.join(""), start: Int32Array.from(starts), end: Int32Array.from(ends) };
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
