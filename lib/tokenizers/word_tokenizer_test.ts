import assert from "node:assert/strict";
import { WordTokenizer } from "./word_tokenizer.ts";

Deno.test("WordTokenizer: frequency-ranked vocabulary with stable ids, [UNK] for the rest, JSON round trip", () => {
  const tok = WordTokenizer.train(["the whale the sea", "The sea! Whale's wake", "ahab"], { vocabSize: 6 });
  assert.deepEqual(tok.vocab, ["[PAD]", "[UNK]", "[CLS]", "the", "sea", "ahab"]);
  assert.deepEqual(tok.encode("THE sea, the kraken"), [3, 4, 3, 1]);
  assert.equal(tok.decode(tok.encode("the sea")), "the sea");
  assert.deepEqual(WordTokenizer.fromJSON(JSON.parse(JSON.stringify(tok))).vocab, tok.vocab);
  assert.deepEqual(WordTokenizer.words("Don't stop—Señor Ñandú 42x"), ["don't", "stop", "señor", "ñandú", "42x"]);
  assert.throws(() => WordTokenizer.train([], { vocabSize: 2 }), /vocab_size must be an integer >= 4/);
  assert.throws(() => tok.decode([99]), /id 99 is outside/);
});
