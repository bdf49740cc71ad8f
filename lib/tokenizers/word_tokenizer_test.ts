import assert from "node:assert/strict";
import { tokenizerSuite } from "./tokenizer_suite.ts";
import { WordTokenizer } from "./word_tokenizer.ts";

tokenizerSuite(
  "word",
  () => WordTokenizer.train(["Call me Ishmael.", "The whale, the sea; the whale's wake!"], { vocabSize: 20 }),
  { texts: ["the whale", "Call me, Ishmael: the sea"], lossless: false, specialsInText: false },
);

Deno.test("WordTokenizer: frequency-ranked vocabulary with stable ids, [UNK] for the rest, JSON round trip", () => {
  const tok = WordTokenizer.train(["the whale the sea", "The sea! Whale's wake", "ahab"], { vocabSize: 6 });
  assert.deepEqual(tok.vocab, ["[PAD]", "[UNK]", "[CLS]", "the", "sea", "ahab"]);
  assert.deepEqual(tok.encode("THE sea, the kraken"), [3, 4, 3, 1]);
  assert.equal(tok.decode(tok.encode("the sea")), "the sea");
  assert.deepEqual(WordTokenizer.fromJSON(JSON.parse(JSON.stringify(tok))).vocab, tok.vocab);
  assert.deepEqual(tok.toJSON(), { type: "word", version: 1, vocab: [...tok.vocab] });
  assert.deepEqual(WordTokenizer.words("Don't stop—Señor Ñandú 42x"), ["don't", "stop", "señor", "ñandú", "42x"]);
  assert.throws(() => WordTokenizer.train([], { vocabSize: 2 }), /vocab_size must be an integer >= 4/);
  assert.throws(() => tok.decode([99]), /id 99 is outside/);
});

Deno.test("WordTokenizer: offsets point into the original text, even where lowercasing changes lengths", () => {
  const tok = WordTokenizer.train(["i̇stanbul sea"], { vocabSize: 10 });
  const text = "İstanbul, the SEA";
  const enc = tok.encodeWithOffsets(text);
  assert.deepEqual(enc.offsets.map(([s, e]) => text.slice(s, e)), ["İ", "stanbul", "the", "SEA"]);
  assert.deepEqual(enc.tokens, ["i", "stanbul", "[UNK]", "sea"]);
});

Deno.test("WordTokenizer: custom special tokens are saved and must include [UNK]", () => {
  const tok = WordTokenizer.train(["a b c"], { vocabSize: 6, specialTokens: ["[UNK]", "[SEP]"] });
  assert.deepEqual(tok.vocab.slice(0, 2), ["[UNK]", "[SEP]"]);
  assert.deepEqual(tok.toJSON().special_tokens, ["[UNK]", "[SEP]"]);
  assert.deepEqual(WordTokenizer.fromJSON(tok.toJSON()).encode("a zz"), tok.encode("a zz"));
  assert.throws(() => new WordTokenizer(["[PAD]", "x"], ["[PAD]"]), /must include \[UNK\]/);
});

tokenizerSuite(
  "word (punctuation)",
  () =>
    WordTokenizer.train(["Call me Ishmael.", "The whale, the sea; the whale's wake!"], {
      vocabSize: 30,
      punctuation: true,
    }),
  { texts: ["the whale", "Call me, Ishmael: the sea"], lossless: false, specialsInText: false },
);

Deno.test("WordTokenizer: with punctuation, every non-space character is kept as a token; old files load without it", async () => {
  const tok = WordTokenizer.train(["Call me Ishmael. The whale's wake!"], { vocabSize: 20, punctuation: true });
  const text = "Call me Ishmael! 🐳";
  const enc = tok.encodeWithOffsets(text);
  assert.deepEqual(enc.offsets.map(([s, e]) => text.slice(s, e)), ["Call", "me", "Ishmael", "!", "🐳"]);
  assert.deepEqual(enc.tokens, ["call", "me", "ishmael", "!", "[UNK]"]);
  assert.equal(tok.decode(tok.encode("the whale's wake.")), "the whale's wake .");
  assert.equal(tok.toJSON().punctuation, true);
  assert.deepEqual(WordTokenizer.fromJSON(JSON.parse(JSON.stringify(tok))).encode(text), tok.encode(text));
  // A file written before the option (no `punctuation` key) keeps the bag-of-words form.
  const old = WordTokenizer.fromJSON({ type: "word", version: 1, vocab: ["[PAD]", "[UNK]", "[CLS]", "call"] });
  assert.equal(old.punctuation, false);
  assert.deepEqual(old.encode("call!"), [3]);
  // trainTokenizer's word type keeps punctuation unless told otherwise.
  const { trainTokenizer } = await import("./train_tokenizer.ts");
  assert.equal((await trainTokenizer({ type: "word", vocabSize: 20 }, "a, b.")).encode("a, b.").length, 4);
  assert.equal(
    (await trainTokenizer({ type: "word", vocabSize: 20, punctuation: false }, "a, b.")).encode("a, b.").length,
    2,
  );
});
