/**
 * Decoded forms of a text, so a secret hidden by encoding is still found:
 * base64 runs, `\uXXXX` / `\xXX` escapes, HTML entities and URL encoding.
 * Each decoded segment maps every character back to the span of the
 * original it came from (a whole base64 run, a whole escape), so redaction
 * removes the encoded text.
 *
 * @module
 */

/** A window of the original text with its encoded parts decoded. */
export interface DecodedSegment {
  text: string;
  /** For each UTF-16 unit of `text`, the original span it came from. */
  start: Int32Array;
  end: Int32Array;
  /** 1 where the unit came from decoding (a match must touch one to be new). */
  decoded: Uint8Array;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  sol: "/",
  colon: ":",
  commat: "@",
  period: ".",
  lowbar: "_",
  equals: "=",
  plus: "+",
  num: "#",
  hyphen: "-",
  dash: "-",
  excl: "!",
  quest: "?",
  percnt: "%",
  dollar: "$",
  lbrace: "{",
  rbrace: "}",
  lsqb: "[",
  rsqb: "]",
  bsol: "\\",
  semi: ";",
  comma: ",",
};

// Encoded units, each found by its own regex (a literal first character keeps them fast): escapes,
// entities, runs of %XX; base64 runs are found by `base64Runs` (one pass, shared with the rules that
// only match inside such runs).
const UNITS = [
  /\\u\{[0-9a-fA-F]{1,6}\}|(?:\\u[0-9a-fA-F]{4}){1,512}|(?:\\x[0-9a-fA-F]{2}){1,512}/g,
  /&#[0-9]{1,7};?|&#[xX][0-9a-fA-F]{1,6};?|&[a-zA-Z]{2,8};/g,
  /(?:%[0-9a-fA-F]{2}){1,512}/g,
];
const UNIT_FIRST = ["\\", "&", "%"];

const B64 = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-") B64[c.charCodeAt(0)] = 1;

/**
 * Maximal runs of base64-alphabet characters (`[A-Za-z0-9+/_-]`, standard and URL-safe) at least
 * `min` long, as `[start, end)` pairs in one flat array: a character loop, much cheaper than a regex
 * that tries every position.
 *
 * @example
 * ```ts
 * import { base64Runs } from "./decode.ts";
 * const runs = base64Runs("a c2VjcmV0IHRva2VuIGhlcmU= b", 16);
 * if (runs.join() !== "2,25") throw new Error(runs.join()); // the padding is not part of the run
 * ```
 */
export function base64Runs(text: string, min: number): number[] {
  const out: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128 || !B64[c]) continue;
    const start = i;
    for (i++; i < n && (c = text.charCodeAt(i)) < 128 && B64[c]; i++);
    if (i - start >= min) out.push(start, i);
  }
  return out;
}

const MAX_BASE64_UNIT = 8192;

/** The base64 units the decoder tries (as `(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,8192}={0,2}` would match). */
function _base64Units(text: string, runs: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < runs.length; k += 2) {
    const a = runs[k]!, b = runs[k + 1]!;
    if (b - a < 16) continue;
    let end = Math.min(b, a + MAX_BASE64_UNIT);
    if (end === b) { for (let e = 0; e < 2 && text.charCodeAt(end) === 61; e++) end++; }
    out.push([a, end]);
  }
  return out;
}
const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

function _bytes(hexPairs: string[]): Uint8Array {
  return Uint8Array.from(hexPairs, (h) => parseInt(h, 16));
}

function _decodeBytes(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    return latin1.decode(b);
  }
}

/** Printable ASCII, a tab or a line break. */
function _printableCode(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13;
}

function _printable(s: string): boolean {
  if (!s) return false;
  let ok = 0;
  for (let i = 0; i < s.length; i++) if (_printableCode(s.charCodeAt(i))) ok++;
  return ok >= s.length * 0.95;
}

/**
 * Decodes one unit, or returns null when it is not an encoding worth scanning (a base64-alphabet run
 * that does not decode to printable text is left as it is).
 *
 * @example
 * ```ts
 * import { decodeUnit } from "./decode.ts";
 * const cases: Array<[string, string | null]> = [
 *   ["\\u0041\\u0042", "AB"], ["\\x41", "A"], ["&#65;", "A"], ["&#x41;", "A"], ["&commat;", "@"], ["%41%40", "A@"],
 *   ["c2VjcmV0IHRva2VuIGhlcmU=", "secret token here"], ["internationalization", null],
 * ];
 * for (const [input, want] of cases) if (decodeUnit(input) !== want) throw new Error(input);
 * ```
 */
export function decodeUnit(unit: string): string | null {
  const c0 = unit[0];
  if (c0 === "\\") {
    if (unit[1] === "x") return _decodeBytes(_bytes(unit.split("\\x").slice(1)));
    if (unit[2] === "{") return String.fromCodePoint(parseInt(unit.slice(3, -1), 16));
    let out = "";
    for (let i = 2; i < unit.length; i += 6) out += String.fromCharCode(parseInt(unit.slice(i, i + 4), 16));
    return out;
  }
  if (c0 === "&") {
    if (unit[1] === "#") {
      const hex = unit[2] === "x" || unit[2] === "X";
      const cp = parseInt(unit.slice(hex ? 3 : 2).replace(";", ""), hex ? 16 : 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
    }
    return ENTITIES[unit.slice(1, -1).toLowerCase()] ?? null;
  }
  if (c0 === "%") return _decodeBytes(_bytes(unit.split("%").slice(1)));
  // base64 (standard or URL-safe); needs a mix of classes to be worth trying
  if (!/[0-9+/_-]/.test(unit) && !/[A-Z].*[a-z]|[a-z].*[A-Z]/.test(unit)) return null;
  let b = unit.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (b.length % 4 === 1) b = b.slice(0, -1);
  b += "=".repeat((4 - (b.length % 4)) % 4);
  let raw: string;
  try {
    raw = atob(b);
  } catch {
    return null;
  }
  // Printable characters come only from printable ASCII bytes, and any decoding yields at least one
  // character per four other bytes: too few printable bytes can never pass (and need no decoder,
  // whose failures on random bytes cost an exception each).
  let p = 0;
  for (let i = 0; i < raw.length; i++) if (_printableCode(raw.charCodeAt(i))) p++;
  if (p < 8 || p < 0.95 * (p + (raw.length - p - 3) / 4)) return null; // (a BOM decodes to nothing)
  const text = _decodeBytes(Uint8Array.from(raw, (ch) => ch.charCodeAt(0)));
  return text.length >= 8 && _printable(text) ? text : null;
}

const WINDOW = 256;

/**
 * The windows of `original` around encoded units (256 characters each side), decoded, or none when
 * nothing is encoded. Matches found in a segment are new only if they touch a decoded unit.
 *
 * @example
 * ```ts
 * import { decodedSegments } from "./decode.ts";
 * const text = "key=%67%68%70%5F123 ok";
 * const [seg] = decodedSegments(text);
 * if (seg?.text !== "key=ghp_123 ok") throw new Error(seg?.text);
 * // "g" came from the run "%67%68%70%5F" at 4..16, which a redaction removes whole
 * if (seg.start[4] !== 4 || seg.end[4] !== 16 || seg.decoded[4] !== 1 || seg.decoded[0] !== 0) throw new Error("spans");
 * ```
 */
export function decodedSegments(original: string, depth = 2, runs?: number[]): DecodedSegment[] {
  const found: Array<{ a: number; b: number; text: string }> = [];
  for (const [k, re] of UNITS.entries()) {
    // Each unit starts with its character: a text without it needs no regex pass.
    if (!original.includes(UNIT_FIRST[k]!)) continue;
    re.lastIndex = 0;
    for (const m of original.matchAll(re)) {
      const text = decodeUnit(m[0]);
      if (text !== null && text !== m[0]) found.push({ a: m.index!, b: m.index! + m[0].length, text });
    }
  }
  for (const [a, b] of _base64Units(original, runs ?? base64Runs(original, 16))) {
    const unit = original.slice(a, b);
    const text = decodeUnit(unit);
    if (text !== null && text !== unit) found.push({ a, b, text });
  }
  if (!found.length) return [];
  found.sort((x, y) => x.a - y.a);
  const units: typeof found = [];
  for (const u of found) if (!units.length || u.a >= units[units.length - 1]!.b) units.push(u);
  // Merge windows around units.
  const windows: Array<{ a: number; b: number; units: typeof units }> = [];
  for (const u of units) {
    const a = Math.max(0, u.a - WINDOW), b = Math.min(original.length, u.b + WINDOW);
    const last = windows[windows.length - 1];
    if (last && a <= last.b) {
      last.b = Math.max(last.b, b);
      last.units.push(u);
    } else windows.push({ a, b, units: [u] });
  }
  const out: DecodedSegment[] = [];
  for (const w of windows) {
    let size = w.b - w.a;
    for (const u of w.units) size += u.text.length - (u.b - u.a);
    const start = new Int32Array(size), end = new Int32Array(size), decoded = new Uint8Array(size);
    const parts: string[] = [];
    let pos = w.a, k = 0;
    const plain = (to: number) => {
      for (let i = pos; i < to; i++, k++) {
        start[k] = i;
        end[k] = i + 1;
      }
      parts.push(original.slice(pos, to));
      pos = to;
    };
    for (const u of w.units) {
      plain(u.a);
      // Each decoded character maps to its whole unit (a base64 run, a run of escapes).
      start.fill(u.a, k, k + u.text.length);
      end.fill(u.b, k, k + u.text.length);
      decoded.fill(1, k, k + u.text.length);
      k += u.text.length;
      parts.push(u.text);
      pos = u.b;
    }
    plain(w.b);
    const seg: DecodedSegment = { text: parts.join(""), start, end, decoded };
    out.push(seg);
    // A second layer (base64 of URL-encoded text, ...), mapped through the first.
    if (depth > 1) {
      for (const inner of decodedSegments(seg.text, depth - 1)) {
        out.push({
          text: inner.text,
          start: inner.start.map((i) => seg.start[i]!),
          end: inner.end.map((i) => seg.end[i - 1]!),
          decoded: inner.decoded.map((d, i) => d | seg.decoded[inner.start[i]!]!),
        });
      }
    }
  }
  return out;
}
