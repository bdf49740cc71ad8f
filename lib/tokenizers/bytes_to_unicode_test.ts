import assert from "node:assert/strict";
import { bytesToUnicode, unicodeToBytes } from "./bytes_to_unicode.ts";

Deno.test("bytesToUnicode: GPT-2's table, one printable character per byte", () => {
  const table = bytesToUnicode();
  assert.equal(new Set(table).size, 256);
  // Values from GPT-2's encoder.py: space -> Ġ (U+0120), newline -> Ċ (U+010A), 0x00 -> Ā (U+0100), 0xAD -> Ń.
  assert.deepEqual([table[0x20], table[0x0a], table[0x00], table[0xad], table[0x41]], ["Ġ", "Ċ", "Ā", "Ń", "A"]);
  const back = unicodeToBytes();
  table.forEach((c, b) => assert.equal(back.get(c), b));
});
