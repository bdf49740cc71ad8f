import assert from "node:assert/strict";
import { CharTokenizer } from "./char_tokenizer.ts";

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
});

Deno.test("CharTokenizer: unknown characters name the character and position", () => {
  const tok = CharTokenizer.train("abc");
  assert.throws(() => tok.encode("abz"), /character "z" \(U\+007A\) at position 2 is not in the vocabulary/);
  assert.throws(() => tok.decode([0, 9]), /id 9 is outside the vocabulary \(size 3\)/);
  const withUnk = new CharTokenizer(["?", "a"], 0);
  assert.deepEqual([...withUnk.encode("az")], [1, 0]);
});

Deno.test("CharTokenizer: JSON round trip and bad files", () => {
  const tok = CharTokenizer.train("hello");
  const back = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
  assert.deepEqual(back.vocab, tok.vocab);
  assert.throws(
    () => CharTokenizer.fromJSON({ type: "bpe" }, "x/tokenizer.json"),
    /x\/tokenizer.json is not a char tokenizer/,
  );
  assert.throws(() => new CharTokenizer(["a", "a"]), /duplicate/);
});
