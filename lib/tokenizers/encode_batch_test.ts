import assert from "node:assert/strict";
import { encodeBatch } from "./encode_batch.ts";
import { WordTokenizer } from "./word_tokenizer.ts";

const tok = WordTokenizer.train(["the whale and the sea and the ship"], { vocabSize: 20 });

Deno.test("encodeBatch: padding to the longest row or to maxLength, on either side", () => {
  const texts = ["the whale and", "the sea"];
  const right = encodeBatch(tok, texts, { padding: "longest" });
  assert.deepEqual(right.ids, [tok.encode("the whale and"), [...tok.encode("the sea"), 0]]);
  assert.deepEqual(right.attentionMask, [[1, 1, 1], [1, 1, 0]]);
  assert.deepEqual(right.offsets[1], [[0, 3], [4, 7], [0, 0]]);
  assert.deepEqual(right.specialTokensMask[1], [0, 0, 1]);
  const left = encodeBatch(tok, texts, { padding: "max_length", maxLength: 4, side: "left" });
  assert.deepEqual(left.attentionMask, [[0, 1, 1, 1], [0, 0, 1, 1]]);
  assert.deepEqual(left.lengths, [3, 2]);
});

Deno.test("encodeBatch: truncation keeps the lengths before cutting", () => {
  const cut = encodeBatch(tok, ["the whale and the sea"], { truncation: true, maxLength: 2, side: "left" });
  assert.deepEqual(cut.ids, [tok.encode("the sea")]);
  assert.deepEqual(cut.offsets, [[[14, 17], [18, 21]]]);
  assert.deepEqual(cut.lengths, [5]);
});

Deno.test("encodeBatch: bad settings are errors before any encoding", () => {
  assert.throws(() => encodeBatch(tok, ["a"], { truncation: true }), /truncation needs maxLength/);
  assert.throws(() => encodeBatch(tok, ["a"], { padding: "max_length" }), /padding "max_length" needs maxLength/);
  assert.throws(() => encodeBatch(tok, ["a"], { maxLength: 0 }), /maxLength must be a positive integer \(got 0\)/);
  assert.throws(
    () => encodeBatch(tok, ["the", "the sea"], { padding: "longest", padToken: "<pad>" }),
    /pad token "<pad>" is not in the vocabulary/,
  );
  const noPad = new WordTokenizer(["[UNK]", "the"], ["[UNK]"]);
  assert.throws(() => encodeBatch(noPad, ["the", "the the"], { padding: "longest" }), /has none of \[PAD\], <pad>/);
  assert.deepEqual(encodeBatch(noPad, ["the", "the"], { padding: "longest" }).ids, [[1], [1]]);
});
