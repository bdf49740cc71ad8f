/**
 * Text normalizers in Hugging Face's `tokenizer.json` vocabulary
 * (`BertNormalizer`, `Lowercase`, `StripAccents`, `NFC`/`NFD`/`NFKC`/`NFKD`,
 * `Sequence`), applied with alignments: every UTF-16 unit of the result
 * knows the span of the input it came from, so token offsets point into the
 * original text.
 *
 * @module
 */
import { _loadError } from "./_hugging_face.ts";

/** A normalizer as written in a Hugging Face `tokenizer.json`. */
export type NormalizerJson =
  | {
    type: "BertNormalizer";
    clean_text?: boolean;
    handle_chinese_chars?: boolean;
    /** `null` (the default) strips accents when lowercasing. */
    strip_accents?: boolean | null;
    lowercase?: boolean;
  }
  | { type: "Lowercase" }
  | { type: "StripAccents" }
  | { type: "NFC" }
  | { type: "NFD" }
  | { type: "NFKC" }
  | { type: "NFKD" }
  | { type: "Sequence"; normalizers: NormalizerJson[] };

/** Normalized text with, per UTF-16 unit, the `[start, end)` of the input it came from. */
export interface NormalizedText {
  text: string;
  start: number[];
  end: number[];
}

const UNICODE_FORMS = new Set(["NFC", "NFD", "NFKC", "NFKD"]);

/**
 * Checks a normalizer from a `tokenizer.json`; throws a SyntaxError naming `source` on anything else.
 *
 * @example
 * ```ts
 * import { readNormalizer } from "./normalize_text.ts";
 * const n = readNormalizer({ type: "BertNormalizer", lowercase: true }, "tokenizer.json");
 * if (n?.type !== "BertNormalizer" || n.strip_accents !== null || !n.clean_text) throw new Error(JSON.stringify(n));
 * let threw = false;
 * try {
 *   readNormalizer({ type: "Replace" }, "tokenizer.json");
 * } catch (err) {
 *   threw = err instanceof SyntaxError;
 * }
 * if (!threw) throw new Error("an unsupported normalizer should throw a SyntaxError");
 * ```
 */
export function readNormalizer(json: unknown, source: string): NormalizerJson | null {
  if (json === null || json === undefined) return null;
  const j = json as Record<string, unknown>;
  if (j.type === "Sequence") {
    if (!Array.isArray(j.normalizers)) throw _loadError(source, "normalizer Sequence has no normalizers array");
    return { type: "Sequence", normalizers: j.normalizers.map((n) => readNormalizer(n, source)!) };
  }
  if (j.type === "BertNormalizer") {
    for (const key of ["clean_text", "handle_chinese_chars", "lowercase"]) {
      if (j[key] !== undefined && typeof j[key] !== "boolean") {
        throw _loadError(source, `normalizer BertNormalizer.${key} is ${JSON.stringify(j[key])} (expected a boolean)`);
      }
    }
    return {
      type: "BertNormalizer",
      clean_text: j.clean_text !== false,
      handle_chinese_chars: j.handle_chinese_chars !== false,
      strip_accents: typeof j.strip_accents === "boolean" ? j.strip_accents : null,
      lowercase: j.lowercase !== false,
    };
  }
  if (j.type === "Lowercase" || j.type === "StripAccents" || UNICODE_FORMS.has(j.type as string)) {
    return { type: j.type } as NormalizerJson;
  }
  throw _loadError(
    source,
    `normalizer ${
      JSON.stringify(j.type ?? null)
    } is not supported (supported: BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Sequence)`,
  );
}

/** Rust's `char::is_whitespace` (Unicode White_Space), which Hugging Face uses. */
export function _isWhitespace(cp: number): boolean {
  return (cp >= 9 && cp <= 13) || cp === 32 || cp === 0x85 || cp === 0xa0 || cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f ||
    cp === 0x3000;
}

const OTHER = /^\p{C}$/u;
const NONSPACING_MARK = /^\p{Mn}$/u;
const MARK = /^\p{M}$/u;

/** BERT's CJK ideograph blocks (padded with spaces so each is a word). */
function _isChinese(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

// Code points with the span of input each came from.
interface Aligned {
  cps: number[];
  from: number[];
  to: number[];
}

function _fromCodePoints(cps: number[], s: number, e: number): string {
  let out = "";
  for (let i = s; i < e; i++) out += String.fromCodePoint(cps[i]!);
  return out;
}

function _mapEach(a: Aligned, f: (cp: number) => string | null): Aligned {
  const out: Aligned = { cps: [], from: [], to: [] };
  for (let i = 0; i < a.cps.length; i++) {
    const cp = a.cps[i]!;
    const s = f(cp);
    if (s === null) {
      out.cps.push(cp);
      out.from.push(a.from[i]!);
      out.to.push(a.to[i]!);
      continue;
    }
    for (const c of s) {
      out.cps.push(c.codePointAt(0)!);
      out.from.push(a.from[i]!);
      out.to.push(a.to[i]!);
    }
  }
  return out;
}

function _lower(cp: number): string | null {
  if (cp < 0x80) return cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : null;
  return String.fromCodePoint(cp).toLowerCase();
}

// A Unicode normalization form applied to runs of a starter and the marks after it. Within a run, each
// character's own normalization keeps its span when they add up to the run's; otherwise (composition) the
// k-th output takes the span of the k-th input, as Hugging Face aligns them. If the runs do not add up to the
// whole-text result, the whole text is one span.
function _unicodeForm(a: Aligned, form: string): Aligned {
  const whole = _fromCodePoints(a.cps, 0, a.cps.length).normalize(form);
  const runs: [number, number][] = [];
  for (let i = 0; i < a.cps.length; i++) {
    const cp = a.cps[i]!;
    const joins = cp >= 0x300 && (MARK.test(String.fromCodePoint(cp)) || (cp >= 0x1160 && cp <= 0x11ff));
    if (joins && runs.length > 0) runs[runs.length - 1]![1] = i + 1;
    else runs.push([i, i + 1]);
  }
  const out: Aligned = { cps: [], from: [], to: [] };
  const put = (c: string, i: number) => {
    out.cps.push(c.codePointAt(0)!);
    out.from.push(a.from[i]!);
    out.to.push(a.to[i]!);
  };
  let joined = "";
  for (const [s, e] of runs) {
    const piece = _fromCodePoints(a.cps, s, e).normalize(form);
    joined += piece;
    const each = [];
    for (let i = s; i < e; i++) each.push(String.fromCodePoint(a.cps[i]!).normalize(form));
    if (each.join("") === piece) each.forEach((p, k) => Array.from(p, (c) => put(c, s + k)));
    else Array.from(piece).forEach((c, k) => put(c, Math.min(s + k, e - 1)));
  }
  if (joined === whole) return out;
  const lo = a.from[0] ?? 0, hi = a.to[a.to.length - 1] ?? 0;
  const cps = Array.from(whole, (c) => c.codePointAt(0)!);
  return { cps, from: cps.map(() => lo), to: cps.map(() => hi) };
}

function _apply(a: Aligned, n: NormalizerJson): Aligned {
  switch (n.type) {
    case "Sequence":
      return n.normalizers.reduce(_apply, a);
    case "Lowercase":
      return _mapEach(a, _lower);
    case "StripAccents":
      return _mapEach(a, (cp) => cp >= 0x300 && MARK.test(String.fromCodePoint(cp)) ? "" : null);
    case "BertNormalizer": {
      let out = a;
      if (n.clean_text !== false) {
        // Hugging Face drops NUL, U+FFFD and control characters (other than \t \n \r), then maps whitespace to " ".
        out = _mapEach(out, (cp) => {
          if (cp === 9 || cp === 10 || cp === 13) return " ";
          if (cp === 0 || cp === 0xfffd || (cp < 0x80 ? cp < 32 || cp === 127 : OTHER.test(String.fromCodePoint(cp)))) {
            return "";
          }
          return cp !== 32 && _isWhitespace(cp) ? " " : null;
        });
      }
      if (n.handle_chinese_chars !== false) {
        out = _mapEach(out, (cp) => _isChinese(cp) ? ` ${String.fromCodePoint(cp)} ` : null);
      }
      const lowercase = n.lowercase !== false;
      if (n.strip_accents ?? lowercase) {
        out = _unicodeForm(out, "NFD");
        out = _mapEach(out, (cp) => cp >= 0x300 && NONSPACING_MARK.test(String.fromCodePoint(cp)) ? "" : null);
      }
      if (lowercase) out = _mapEach(out, _lower);
      return out;
    }
    default:
      return _unicodeForm(a, n.type);
  }
}

// What each ASCII character becomes under `n`: -1 removed, else a character code (ASCII stays ASCII).
function _asciiTable(n: NormalizerJson): Int16Array {
  const table = Int16Array.from({ length: 128 }, (_, c) => c);
  const lower = () => table.forEach((c, i) => table[i] = c >= 65 && c <= 90 ? c + 32 : c);
  const apply = (n: NormalizerJson): void => {
    if (n.type === "Sequence") n.normalizers.forEach(apply);
    else if (n.type === "Lowercase") lower();
    else if (n.type === "BertNormalizer") {
      if (n.clean_text !== false) {
        table.forEach((c, i) =>
          table[i] = c === 9 || c === 10 || c === 13 ? 32 : c >= 0 && (c < 32 || c === 127) ? -1 : c
        );
      }
      if (n.lowercase !== false) lower();
    }
  };
  apply(n);
  return table;
}

function _slowRun(text: string, normalizer: NormalizerJson): Aligned {
  const a: Aligned = { cps: [], from: [], to: [] };
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    a.cps.push(cp);
    a.from.push(i);
    a.to.push(i + units);
    i += units;
  }
  return _apply(a, normalizer);
}

/**
 * Applies `normalizer` to `text` (or nothing when it is null), keeping for
 * each UTF-16 unit of the result the `[start, end)` of `text` it came from.
 * Runs of ASCII go through a lookup table; the rest (with the character
 * before it, which a mark may compose with) through the Unicode steps.
 *
 * @example
 * ```ts
 * import { normalizeText } from "./normalize_text.ts";
 * const n = normalizeText("Héllo 中", { type: "BertNormalizer", lowercase: true });
 * if (n.text !== "hello  中 ") throw new Error(JSON.stringify(n.text));
 * if (n.start[1] !== 1 || n.end[1] !== 2) throw new Error("é should map back to position 1");
 * ```
 */
export function normalizeText(text: string, normalizer: NormalizerJson | null): NormalizedText {
  const codes: number[] = [], start: number[] = [], end: number[] = [];
  const table = normalizer === null ? null : _asciiTable(normalizer);
  for (let i = 0; i < text.length;) {
    let j = i;
    while (j < text.length && text.charCodeAt(j) < 0x80) j++;
    const asciiEnd = j < text.length && j > i && table !== null ? j - 1 : j;
    for (let p = i; p < asciiEnd; p++) {
      const c = table === null ? text.charCodeAt(p) : table[text.charCodeAt(p)]!;
      if (c < 0) continue;
      codes.push(c);
      start.push(p);
      end.push(p + 1);
    }
    if (asciiEnd === text.length) break;
    let k = j;
    while (k < text.length && text.charCodeAt(k) >= 0x80) k++;
    if (table === null) {
      for (let p = asciiEnd; p < k; p++) {
        codes.push(text.charCodeAt(p));
        start.push(p);
        end.push(p + 1);
      }
    } else {
      const run = _slowRun(text.slice(asciiEnd, k), normalizer!);
      for (let q = 0; q < run.cps.length; q++) {
        const cp = run.cps[q]!;
        const units = cp > 0xffff ? 2 : 1;
        if (units === 2) codes.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
        else codes.push(cp);
        for (let u = 0; u < units; u++) {
          start.push(asciiEnd + run.from[q]!);
          end.push(asciiEnd + run.to[q]!);
        }
      }
    }
    i = k;
  }
  let out = "";
  for (let c = 0; c < codes.length; c += 8192) out += String.fromCharCode(...codes.slice(c, c + 8192));
  return { text: out, start, end };
}
