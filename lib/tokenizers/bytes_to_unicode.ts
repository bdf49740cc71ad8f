/**
 * GPT-2's reversible map from the 256 byte values to printable Unicode
 * characters, so a byte-level vocabulary can be written as plain strings
 * (the space byte 0x20 becomes `Ġ`, the newline 0x0A becomes `Ċ`).
 *
 * @module
 */

/**
 * The byte-to-character table of GPT-2 (`bytes_to_unicode` in OpenAI's
 * `encoder.py`, the `ByteLevel` alphabet of Hugging Face tokenizers):
 * printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards.
 *
 * @example
 * ```ts
 * import { bytesToUnicode } from "./bytes_to_unicode.ts";
 * const table = bytesToUnicode();
 * if (table[0x20] !== "Ġ" || table[0x41] !== "A") throw new Error("unexpected table");
 * ```
 */
export function bytesToUnicode(): string[] {
  const table = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
}

/**
 * The inverse of {@linkcode bytesToUnicode}: character to byte value.
 *
 * @example
 * ```ts
 * import { bytesToUnicode, unicodeToBytes } from "./bytes_to_unicode.ts";
 * const back = unicodeToBytes();
 * // GPT-2 shows the space byte as "Ġ".
 * if (back.size !== 256 || back.get("Ġ") !== 32 || back.get(bytesToUnicode()[200]!) !== 200) throw new Error("bad map");
 * ```
 */
export function unicodeToBytes(): Map<string, number> {
  return new Map(bytesToUnicode().map((c, b) => [c, b]));
}
