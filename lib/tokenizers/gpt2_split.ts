/**
 * GPT-2's pre-tokenization, the regular expression
 * `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
 * (with the `u` flag, as `js-tiktoken` and `gpt-tokenizer` run it), as a
 * hand-written scanner over UTF-16 code units: no match objects, no
 * substrings, the same pieces.
 *
 * @module
 */

/** Character classes of the pattern. */
const OTHER = 0, LETTER = 1, NUMBER = 2, SPACE = 3;

let bmpClass: Uint8Array | undefined;
const astralClass = new Map<number, number>();

function _classOf(s: string): number {
  return /\s/u.test(s) ? SPACE : /\p{L}/u.test(s) ? LETTER : /\p{N}/u.test(s) ? NUMBER : OTHER;
}

/** The class of every BMP code unit (surrogates count as OTHER: a lone one is matched as other). */
function _bmpTable(): Uint8Array {
  if (bmpClass) return bmpClass;
  const table = new Uint8Array(0x10000);
  let all = "";
  for (let c = 0; c < 0x10000; c++) all += c >= 0xd800 && c < 0xe000 ? "\0" : String.fromCharCode(c);
  const mark = (re: RegExp, cls: number) => {
    for (const m of all.matchAll(re)) table.fill(cls, m.index, m.index + m[0].length);
  };
  mark(/\p{L}+/gu, LETTER);
  mark(/\p{N}+/gu, NUMBER);
  mark(/\s+/gu, SPACE);
  for (let c = 0xd800; c < 0xe000; c++) table[c] = OTHER;
  bmpClass = table;
  return table;
}

/**
 * The class at `pos` (of the code point starting there) and its length in
 * code units, packed as `class | length << 2`.
 */
function _classAt(text: string, pos: number, end: number, table: Uint8Array): number {
  const c = text.charCodeAt(pos);
  if (c < 0xd800 || c >= 0xe000) return table[c]! | 4;
  if (c < 0xdc00 && pos + 1 < end) {
    const d = text.charCodeAt(pos + 1);
    if (d >= 0xdc00 && d < 0xe000) {
      const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      let cls = astralClass.get(cp);
      if (cls === undefined) {
        cls = _classOf(String.fromCodePoint(cp));
        astralClass.set(cp, cls);
      }
      return cls | 8;
    }
  }
  return OTHER | 4;
}

/** The end of the run of class `cls` that starts at `pos`. */
function _runEnd(text: string, pos: number, end: number, cls: number, table: Uint8Array): number {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c < 0xd800 || c >= 0xe000) {
      if (table[c] !== cls) return pos;
      pos++;
    } else {
      const p = _classAt(text, pos, end, table);
      if ((p & 3) !== cls) return pos;
      pos += p >> 2;
    }
  }
  return pos;
}

/**
 * The end (exclusive, in UTF-16 code units) of the GPT-2 piece that starts at
 * `pos` in `text`, looking no further than `end`. Internal to the area.
 */
export function _gpt2PieceEnd(text: string, pos: number, end: number): number {
  const table = bmpClass ?? _bmpTable();
  const c = text.charCodeAt(pos);
  // 's 't 're 've 'm 'll 'd (case-sensitive).
  if (c === 0x27 && pos + 1 < end) {
    const d = text.charCodeAt(pos + 1);
    if (d === 0x73 || d === 0x74 || d === 0x6d || d === 0x64) return pos + 2;
    if (pos + 2 < end) {
      const e = text.charCodeAt(pos + 2);
      if ((d === 0x72 || d === 0x76) && e === 0x65) return pos + 3;
      if (d === 0x6c && e === 0x6c) return pos + 3;
    }
  }
  // An optional single space before a run of letters, numbers or other characters.
  if (c === 0x20 && pos + 1 < end) {
    const next = _classAt(text, pos + 1, end, table);
    if ((next & 3) !== SPACE) return _runEnd(text, pos + 1 + (next >> 2), end, next & 3, table);
  }
  const p = _classAt(text, pos, end, table);
  const cls = p & 3;
  if (cls !== SPACE) return _runEnd(text, pos + (p >> 2), end, cls, table);
  // \s+(?!\S) leaves the last whitespace character to the next piece when a
  // non-space follows; a single whitespace before a non-space is \s+ alone.
  const runEnd = _runEnd(text, pos + 1, end, SPACE, table);
  if (runEnd === end || runEnd - pos === 1) return runEnd;
  return runEnd - 1;
}

/**
 * Splits `text` into GPT-2's pre-tokenization pieces. Joined, the pieces give
 * back `text`.
 *
 * @example
 * ```ts
 * import { gpt2Split } from "./gpt2_split.ts";
 * const pieces = gpt2Split("I'll go  there, 42 times!");
 * if (pieces.join("|") !== "I|'ll| go| | there|,| 42| times|!") throw new Error(pieces.join("|"));
 * ```
 */
export function gpt2Split(text: string): string[] {
  const out: string[] = [];
  for (let pos = 0; pos < text.length;) {
    const stop = _gpt2PieceEnd(text, pos, text.length);
    out.push(text.slice(pos, stop));
    pos = stop;
  }
  return out;
}
