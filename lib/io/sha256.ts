/**
 * SHA-256 helpers over Web Crypto.
 *
 * @module
 */

/**
 * The lowercase hex SHA-256 of bytes or UTF-8 text.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 * const hex = await sha256Hex("abc");
 * if (hex !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") throw new Error(hex);
 * if ((await sha256Hex(new TextEncoder().encode("abc"))) !== hex) throw new Error("bytes and text differ");
 * ```
 */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A stable JSON text: object keys sorted at every depth, so two values that
 * differ only in key order give the same text (and the same hash).
 *
 * @example
 * ```ts
 * import { stableStringify } from "./sha256.ts";
 * const text = stableStringify({ b: [2, { d: 1, c: 0 }], a: 1, skip: undefined });
 * if (text !== '{"a":1,"b":[2,{"c":0,"d":1}]}') throw new Error(text);
 * ```
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
}
