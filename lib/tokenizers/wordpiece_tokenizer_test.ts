import assert from "node:assert/strict";
import { loadText } from "../data/mod.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import { tokenizerSuite } from "./tokenizer_suite.ts";
import { WordPieceTokenizer } from "./wordpiece_tokenizer.ts";
import { excerptLines, SAMPLE_TEXTS } from "./testdata/fixture_corpus.ts";

const here = new URL("./testdata/", import.meta.url).pathname;
const fixtures = JSON.parse(await Deno.readTextFile(`${here}hf_fixtures.json`));
const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "whale", "un", "##able", "!", "##s", "a"];

tokenizerSuite(
  "wordpiece",
  async () => WordPieceTokenizer.train(excerptLines(await loadText("moby-dick")), { vocabSize: 500 }),
  { texts: ["call me ishmael.", "the whale, the sea; and the ships!", "sea"], lossless: false, specialsInText: true },
);

Deno.test("WordPiece: our tokenizer.json gives Hugging Face's ids, offsets and decoding", async () => {
  const tok = await loadTokenizer(`${here}ours_wordpiece.tokenizer.json`);
  const ref = fixtures.ours_wordpiece;
  SAMPLE_TEXTS.forEach((t, i) => {
    const plain = tok.encodeWithOffsets(t);
    assert.deepEqual(plain.ids, ref.encodings[i].ids, JSON.stringify(t));
    assert.deepEqual(plain.offsets, ref.encodings[i].offsets, JSON.stringify(t));
    const special = tok.encodeWithOffsets(t, { addSpecialTokens: true });
    assert.deepEqual(special.ids, ref.with_special_tokens[i].ids, JSON.stringify(t));
    assert.deepEqual(special.offsets, ref.with_special_tokens[i].offsets, JSON.stringify(t));
    assert.equal(tok.decode(special.ids), ref.decoded[i]);
    assert.equal(tok.decode(special.ids, { skipSpecialTokens: true }), ref.decoded_skip[i]);
  });
  const lines = excerptLines(await loadText("moby-dick"));
  assert.deepEqual(WordPieceTokenizer.train(lines, { vocabSize: 700 }).toJSON(), tok.toJSON());
});

Deno.test("WordPiece: Hugging Face's own serialization of the file loads here with the same ids", async () => {
  const tok = await loadTokenizer(`${here}hf_wordpiece.tokenizer.json`);
  SAMPLE_TEXTS.forEach((t, i) => assert.deepEqual(tok.encode(t), fixtures.ours_wordpiece.encodings[i].ids));
});

Deno.test("WordPiece: cased, NFD+StripAccents+Lowercase, NFKC+Whitespace and NFC+WhitespaceSplit match Hugging Face", async () => {
  const base = JSON.parse(await Deno.readTextFile(`${here}ours_wordpiece.tokenizer.json`));
  type Variant = { normalizer: unknown; pre_tokenizer: unknown; encodings: { ids: number[]; offsets: number[][] }[] };
  for (const [name, v] of Object.entries(fixtures.wordpiece_variants) as [string, Variant][]) {
    const tok = WordPieceTokenizer.fromHuggingFace({
      ...base,
      normalizer: v.normalizer,
      pre_tokenizer: v.pre_tokenizer,
    });
    SAMPLE_TEXTS.forEach((t, i) => {
      const enc = tok.encodeWithOffsets(t);
      assert.deepEqual(enc.ids, v.encodings[i]!.ids, `${name}: ${JSON.stringify(t)}`);
      assert.deepEqual(enc.offsets, v.encodings[i]!.offsets, `${name}: ${JSON.stringify(t)}`);
    });
  }
});

Deno.test("WordPiece: greedy longest match, ## continuations, [UNK] for whole words, the max word length", () => {
  const tok = new WordPieceTokenizer({ vocab: VOCAB, maxInputCharsPerWord: 8 });
  assert.deepEqual(tok.encodeWithOffsets("Unable whales!").tokens, ["un", "##able", "whale", "##s", "!"]);
  assert.deepEqual(tok.encode("the kraken"), [5, 1]);
  assert.deepEqual(tok.encode("unableunable"), [1]); // 12 characters > 8
  assert.deepEqual(tok.encodeWithOffsets("a kraken!").offsets, [[0, 1], [2, 8], [8, 9]]);
  assert.equal(tok.decode(tok.encode("Unable the whales !")), "unable the whales!");
  assert.equal(tok.decode(tok.encode("un-able")), "un [UNK] [UNK]"); // "-" and a word-initial "able" are unknown
  const cased = new WordPieceTokenizer({ vocab: VOCAB, normalizer: null });
  assert.deepEqual(cased.encode("The the"), [1, 5]);
});

Deno.test("WordPiece: training options and bad settings", () => {
  const texts = ["Café CAFÉ café", "Café au lait"];
  const cased = WordPieceTokenizer.train(texts, { vocabSize: 60, lowercase: false, minFrequency: 1 });
  assert.ok(cased.vocab.includes("Café") && cased.vocab.includes("CAFÉ"));
  const uncased = WordPieceTokenizer.train(texts, { vocabSize: 60, minFrequency: 1 });
  assert.ok(uncased.vocab.includes("cafe") && !uncased.vocab.includes("café"));
  assert.deepEqual(uncased.vocab.slice(0, 5), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  assert.throws(
    () => WordPieceTokenizer.train(texts, { vocabSize: 60, specialTokens: ["[PAD]"] }),
    /must include "\[UNK\]"/,
  );
  assert.throws(() => new WordPieceTokenizer({ vocab: ["a"] }), /unk token "\[UNK\]" is not in the vocabulary/);
  assert.throws(
    () => new WordPieceTokenizer({ vocab: VOCAB, template: { cls: "<s>", sep: "</s>" } }),
    /template token "<s>" is not in the vocabulary/,
  );
});

Deno.test("WordPiece: a malformed tokenizer.json is an error naming the file and the problem", () => {
  const good = new WordPieceTokenizer({ vocab: VOCAB }).toJSON();
  // deno-lint-ignore no-explicit-any
  const bad = (change: (j: any) => void) => {
    const j = structuredClone(good);
    change(j);
    return () => WordPieceTokenizer.fromHuggingFace(j, "bert/tokenizer.json");
  };
  assert.throws(
    bad((j) => j.pre_tokenizer = { type: "Metaspace" }),
    /bert\/tokenizer.json pre_tokenizer "Metaspace" is not supported/,
  );
  assert.throws(bad((j) => j.normalizer = { type: "Precompiled" }), /normalizer "Precompiled" is not supported/);
  assert.throws(
    bad((j) => j.post_processor = { type: "RobertaProcessing" }),
    /post_processor "RobertaProcessing" is not supported/,
  );
  assert.throws(bad((j) => j.decoder = { type: "ByteLevel" }), /decoder "ByteLevel" is not supported for WordPiece/);
  assert.throws(bad((j) => j.model.max_input_chars_per_word = 0), /max_input_chars_per_word is 0/);
  assert.throws(bad((j) => j.model.type = "Unigram"), /model.type is "Unigram" \(expected "WordPiece"\)/);
  const template = bad((j) =>
    j.post_processor = {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, {
        SpecialToken: { id: "[SEP]", type_id: 0 },
      }],
    }
  )();
  assert.deepEqual(template.template, { cls: "[CLS]", sep: "[SEP]" });
});
