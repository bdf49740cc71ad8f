/**
 * Decoding bytes that may not be valid UTF-8 (mail, web text): never throws,
 * replaces each bad sequence with U+FFFD, and counts the replacements.
 *
 * @module
 */

/** Decoded text and how many replacement characters decoding introduced. */
export interface DecodedText {
  text: string;
  replaced: number;
}

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/**
 * Decodes UTF-8 with replacement.
 *
 * @example
 * ```ts
 * import { decodeText } from "./decode_text.ts";
 * const d = decodeText(new Uint8Array([0x61, 0xff, 0x62]));
 * if (d.text !== "a\uFFFDb" || d.replaced !== 1) throw new Error("expected one replacement");
 * ```
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const text = decoder.decode(bytes);
  let replaced = 0;
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) replaced++;
  if (replaced > 0) {
    // Count only replacements decoding made, not U+FFFD already in the input (EF BF BD).
    let present = 0;
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) present++;
    }
    replaced -= present;
  }
  return { text, replaced };
}
