import assert from "node:assert/strict";
import { decodeText } from "./decode_text.ts";

Deno.test("decodeText: bad UTF-8 becomes U+FFFD and is counted; U+FFFD already there is not", () => {
  const d = decodeText(new Uint8Array([0x68, 0xe9, 0x6c, 0x6c, 0x6f, 0xef, 0xbf, 0xbd]));
  assert.equal(d.text, "h\uFFFDllo\uFFFD");
  assert.equal(d.replaced, 1);
  assert.deepEqual(decodeText(new Uint8Array([0xc3, 0xa9, 0xe2, 0x82])), {
    text: "é\uFFFD",
    replaced: 1,
    encoding: "utf-8",
  });
  assert.deepEqual(decodeText(new Uint8Array()), { text: "", replaced: 0, encoding: "utf-8" });
});

Deno.test("decodeText: a UTF-8 byte-order mark is dropped; UTF-16 with a byte-order mark is decoded as UTF-16", () => {
  assert.deepEqual(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), { text: "a", replaced: 0, encoding: "utf-8" });
  const le = new Uint8Array([0xff, 0xfe, 0x77, 0x00, 0x68, 0x00, 0x3c, 0xd8]); // "wh" and a lone high surrogate
  assert.deepEqual(decodeText(le), { text: "wh\uFFFD", replaced: 1, encoding: "utf-16le" });
  const be = new Uint8Array([0xfe, 0xff, 0x00, 0x61, 0xff, 0xfd]); // "a" and a U+FFFD that was in the input
  assert.deepEqual(decodeText(be), { text: "a\uFFFD", replaced: 0, encoding: "utf-16be" });
});
