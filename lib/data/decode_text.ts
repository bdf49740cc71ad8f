/**
 * Decoding bytes that may not be valid UTF-8 (mail, web text): never throws,
 * replaces each bad sequence with U+FFFD, and counts the replacements.
 *
 * @module
 */

/** Decoded text and how many replacement characters decoding introduced. */
export interface DecodedText {
  /** The text, with U+FFFD where the bytes were not valid. */
  text: string;
  /** How many U+FFFD decoding introduced (those already in the input are not counted). */
  replaced: number;
  /** The encoding the bytes were read as. */
  encoding: "utf-8" | "utf-16le" | "utf-16be";
}

const utf8 = new TextDecoder("utf-8");
const utf16le = new TextDecoder("utf-16le");
const utf16be = new TextDecoder("utf-16be");

function _count(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) n++;
  return n;
}

/**
 * Decodes text bytes with replacement: UTF-8 (a leading byte-order mark is
 * dropped), or UTF-16 when the bytes start with a UTF-16 byte-order mark.
 *
 * @example
 * ```ts
 * import { decodeText } from "./decode_text.ts";
 * const d = decodeText(new Uint8Array([0x61, 0xff, 0x62]));
 * if (d.text !== "a\uFFFDb" || d.replaced !== 1) throw new Error("expected one replacement");
 * ```
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return _decodeUtf16(bytes, utf16le, "utf-16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return _decodeUtf16(bytes, utf16be, "utf-16be");
  const text = utf8.decode(bytes);
  let replaced = _count(text);
  if (replaced > 0) {
    // Count only replacements decoding made, not U+FFFD already in the input (EF BF BD).
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) replaced--;
    }
  }
  return { text, replaced, encoding: "utf-8" };
}

function _decodeUtf16(bytes: Uint8Array, decoder: TextDecoder, encoding: "utf-16le" | "utf-16be"): DecodedText {
  const text = decoder.decode(bytes);
  let replaced = _count(text);
  if (replaced > 0) {
    // U+FFFD already in the input, as a whole code unit.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 2; i + 1 < bytes.length; i += 2) if (view.getUint16(i, encoding === "utf-16le") === 0xfffd) replaced--;
  }
  return { text, replaced, encoding };
}
