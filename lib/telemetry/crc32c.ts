/**
 * CRC-32C (Castagnoli), the checksum of TFRecord framing, and the "masked"
 * form TFRecord stores (so that a CRC of data that holds CRCs stays
 * well-distributed).
 *
 * @module
 */

// Reflected Castagnoli polynomial 0x1EDC6F41.
const POLY = 0x82f63b78;
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32C of `bytes` (as an unsigned 32-bit number), optionally continuing
 * from the CRC of earlier bytes.
 *
 * @example
 * ```ts
 * import { crc32c } from "./crc32c.ts";
 * const crc = crc32c(new TextEncoder().encode("123456789"));
 * if (crc !== 0xe3069283) throw new Error(crc.toString(16));
 * ```
 */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The masked CRC-32C that TFRecord stores: the CRC rotated right by 15 bits
 * plus `0xa282ead8` (mod 2^32).
 *
 * @example
 * ```ts
 * import { crc32c, maskedCrc32c } from "./crc32c.ts";
 * const bytes = new TextEncoder().encode("123456789");
 * const crc = crc32c(bytes);
 * const expected = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
 * if (maskedCrc32c(bytes) !== expected) throw new Error("bad mask");
 * ```
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
