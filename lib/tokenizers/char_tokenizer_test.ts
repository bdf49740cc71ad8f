import assert from "node:assert/strict";
import { CharTokenizer } from "./char_tokenizer.ts";
import { tokenizerSuite } from "./tokenizer_suite.ts";
import { trainTokenizer } from "./train_tokenizer.ts";

const CORPUS = ["Call me Ishmael. Some years ago", "whale 🐋 鯨 e\u0301", "the sea, the sea!"];

tokenizerSuite(
  "char",
  () => trainTokenizer({ type: "char", vocabSize: 100, specialTokens: ["[PAD]", "[UNK]"] }, CORPUS),
  { texts: ["Call me", "the whale 🐋!", "sea"], lossless: true, specialsInText: false },
);

Deno.test("CharTokenizer: ids follow code point order and round-trip", () => {
  const tok = CharTokenizer.train("banana bread");
  assert.deepEqual([...tok.vocab], [" ", "a", "b", "d", "e", "n", "r"]);
  const ids = tok.encode("bread");
  assert.deepEqual([...ids], [2, 6, 4, 1, 3]);
  assert.equal(tok.decode(ids), "bread");
});

Deno.test("CharTokenizer: astral characters are one token each", () => {
  const text = "whale 🐋 鯨 e\u0301";
  const tok = CharTokenizer.train(text);
  const ids = tok.encode(text);
  assert.equal(ids.length, Array.from(text).length);
  assert.equal(tok.decode(ids), text);
  assert.deepEqual(tok.encodeWithOffsets("🐋e").offsets, [[0, 2], [2, 3]]);
});

Deno.test("CharTokenizer: unknown characters name the character and position", () => {
  const tok = CharTokenizer.train("abc");
  assert.throws(() => tok.encode("abz"), /character "z" \(U\+007A\) at position 2 is not in the vocabulary/);
  assert.throws(() => tok.decode([0, 9]), /id 9 is outside the vocabulary \(size 3\)/);
  const withUnk = new CharTokenizer(["?", "a"], 0);
  assert.deepEqual([...withUnk.encode("az")], [1, 0]);
});

Deno.test("CharTokenizer: vocabSize keeps the most frequent characters and adds [UNK]", () => {
  const tok = CharTokenizer.train("aaaabbbcc d", { vocabSize: 4 });
  assert.deepEqual([...tok.vocab], ["a", "b", "c", "[UNK]"]);
  assert.equal(tok.unkId, 3);
  assert.deepEqual([...tok.encode("abd")], [0, 1, 3]);
  assert.deepEqual([...tok.specialTokens], [["[UNK]", 3]]);
  assert.deepEqual([...CharTokenizer.train("aab", { minFrequency: 2 }).vocab], ["a", "[UNK]"]);
  assert.throws(() => CharTokenizer.train("ab", { vocabSize: 1 }), /vocabSize 1 leaves no room/);
});

Deno.test("CharTokenizer: JSON round trip and bad files", () => {
  const tok = CharTokenizer.train("hello");
  // The spine's tokenizer.json has no special_ids: runs and caches keep their hashes.
  assert.deepEqual(tok.toJSON(), { type: "char", version: 1, vocab: ["e", "h", "l", "o"], unk_id: null });
  const back = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
  assert.deepEqual(back.vocab, tok.vocab);
  const special = CharTokenizer.train("ab", { specialTokens: ["[PAD]"] });
  assert.deepEqual(CharTokenizer.fromJSON(special.toJSON()).specialTokens, special.specialTokens);
  assert.throws(
    () => CharTokenizer.fromJSON({ type: "bpe" }, "x/tokenizer.json"),
    /x\/tokenizer.json is not a char tokenizer/,
  );
  assert.throws(() => new CharTokenizer(["a", "a"]), /duplicate/);
});
