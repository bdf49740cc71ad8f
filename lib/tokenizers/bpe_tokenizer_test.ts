import assert from "node:assert/strict";
import { encode as gptTokenizerEncode } from "gpt-tokenizer/encoding/gpt2";
import { Tiktoken } from "js-tiktoken/lite";
import jsTiktokenGpt2 from "js-tiktoken/ranks/gpt2";
import { get_encoding } from "tiktoken";
import { loadText } from "../data/mod.ts";
import { BpeTokenizer } from "./bpe_tokenizer.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import { tokenizerSuite } from "./tokenizer_suite.ts";
import { SAMPLE_TEXTS } from "./testdata/fixture_corpus.ts";
import { randomTexts } from "./testdata/random_text.ts";

const here = new URL("./testdata/", import.meta.url).pathname;
const fixtures = JSON.parse(await Deno.readTextFile(`${here}hf_fixtures.json`));
const TEXTS = ["Call me Ishmael.", "The whale 🐋 鯨 swam — naïve e\u0301!\n\n  Twice.", "x"];

tokenizerSuite(
  "bpe",
  async () => BpeTokenizer.train([(await loadText("moby-dick")).slice(0, 20000)], { vocabSize: 400 }),
  { texts: TEXTS, lossless: true, specialsInText: true },
);
tokenizerSuite("gpt2", () => loadTokenizer("gpt2"), { texts: TEXTS, lossless: true, specialsInText: true });

Deno.test("gpt2: ids equal gpt-tokenizer's on the whole of Moby-Dick and on random Unicode", async () => {
  const gpt2 = await loadTokenizer("gpt2");
  const text = await loadText("moby-dick");
  const ids = gpt2.encode(text);
  assert.equal(ids.length, 317756);
  assert.deepEqual(ids, gptTokenizerEncode(text));
  for (const s of randomTexts(1, 400)) assert.deepEqual(gpt2.encode(s), gptTokenizerEncode(s), JSON.stringify(s));
  assert.deepEqual(gpt2.encode("Call me Ishmael."), [14134, 502, 1148, 21720, 417, 13]);
});

Deno.test("gpt2: ids equal js-tiktoken's and tiktoken's (wasm) on a chapter and on random Unicode", async () => {
  const gpt2 = await loadTokenizer("gpt2");
  const js = new Tiktoken(jsTiktokenGpt2);
  const wasm = get_encoding("gpt2");
  try {
    const chapter = (await loadText("moby-dick")).slice(0, 6000);
    for (const s of [chapter, ...randomTexts(2, 150)]) {
      const ours = gpt2.encode(s);
      assert.deepEqual(ours, js.encode(s), JSON.stringify(s));
      assert.deepEqual(ours, Array.from(wasm.encode(s, "all")), JSON.stringify(s));
    }
  } finally {
    wasm.free();
  }
});

Deno.test("gpt2: any string round-trips; lone surrogates become U+FFFD as in every peer", async () => {
  const gpt2 = await loadTokenizer("gpt2");
  for (const s of randomTexts(3, 300)) assert.equal(gpt2.decode(gpt2.encode(s)), s.toWellFormed());
  assert.equal(gpt2.decode(gpt2.encode("\ufeffBOM kept")), "\ufeffBOM kept");
  assert.deepEqual(gpt2.encode("a\ud800b"), gptTokenizerEncode("a\ud800b"));
  assert.throws(() => gpt2.decode([50257]), /id 50257 is not in the vocabulary \(size 50257\)/);
});

Deno.test("gpt2: merges derived from the ranks are GPT-2's merges.txt", async () => {
  const gpt2 = (await loadTokenizer("gpt2")) as BpeTokenizer;
  assert.equal(gpt2.merges.length, 50000);
  assert.deepEqual(gpt2.merges.slice(0, 4), [["Ġ", "t"], ["Ġ", "a"], ["h", "e"], ["i", "n"]]);
  // Hugging Face loads that export and gives our ids (fixture made by make_fixtures.sh).
  SAMPLE_TEXTS.forEach((t, i) => assert.deepEqual(gpt2.encode(t), fixtures.gpt2.encodings[i], JSON.stringify(t)));
});

Deno.test("BPE: a Hugging Face-trained tokenizer.json gives Hugging Face's ids and offsets", async () => {
  const tok = await loadTokenizer(`${here}hf_bpe.tokenizer.json`);
  fixtures.hf_bpe.texts.forEach((t: string, i: number) => {
    const enc = tok.encodeWithOffsets(t);
    assert.deepEqual(enc.ids, fixtures.hf_bpe.encodings[i].ids, JSON.stringify(t));
    assert.deepEqual(enc.offsets, fixtures.hf_bpe.encodings[i].offsets, JSON.stringify(t));
  });
});

Deno.test("BPE: our tokenizer.json works in Hugging Face: same ids, offsets and decoding", async () => {
  const tok = await loadTokenizer(`${here}ours_bpe.tokenizer.json`);
  const ref = fixtures.ours_bpe;
  SAMPLE_TEXTS.forEach((t, i) => {
    const enc = tok.encodeWithOffsets(t);
    assert.deepEqual(enc.ids, ref.encodings[i].ids, JSON.stringify(t));
    assert.deepEqual(enc.offsets, ref.encodings[i].offsets, JSON.stringify(t));
    assert.equal(tok.decode(enc.ids), ref.decoded[i]);
    assert.equal(tok.decode(enc.ids, { skipSpecialTokens: true }), ref.decoded_skip[i]);
  });
  // The fixture file is what training here writes (deterministic).
  const lines = (await loadText("moby-dick")).slice(0, 30000).match(/[^\n]*\n|[^\n]+$/g)!;
  assert.deepEqual(BpeTokenizer.train(lines, { vocabSize: 600 }).toJSON(), tok.toJSON());
});

Deno.test("BPE: prefix space, regex and no-split pre-tokenizers", async () => {
  const vocab = await loadTokenizer(`${here}ours_bpe.tokenizer.json`) as BpeTokenizer;
  const base = { vocab: vocab.vocab, merges: vocab.merges };
  const prefixed = new BpeTokenizer({ ...base, preTokenizer: { type: "gpt2", addPrefixSpace: true } });
  assert.deepEqual(prefixed.encode("the whale"), vocab.encode(" the whale"));
  assert.deepEqual(prefixed.encodeWithOffsets("the").offsets.every(([s, e]) => s >= 0 && e <= 3), true);
  assert.equal(prefixed.decode(prefixed.encode("the whale")), " the whale");
  const regex = new BpeTokenizer({ ...base, preTokenizer: { type: "regex", pattern: "\\p{L}+" } });
  assert.deepEqual(regex.encode("the whale"), [...vocab.encode("the"), ...vocab.encode(" "), ...vocab.encode("whale")]);
  const back = BpeTokenizer.fromHuggingFace(JSON.parse(JSON.stringify(regex)));
  assert.deepEqual(back.preTokenizer, { type: "regex", pattern: "\\p{L}+", addPrefixSpace: false });
  const none = new BpeTokenizer({ ...base, preTokenizer: { type: "none" } });
  assert.equal(none.decode(none.encode("the whale's tail")), "the whale's tail");
});

Deno.test("BPE: bytes without a token are an error, or the unk token", () => {
  const tok = new BpeTokenizer({ vocab: ["a", "b", "[UNK]"], merges: [] });
  assert.throws(() => tok.encode("ac"), /byte 0x63 of "ac" has no token and there is no unk token/);
  const unk = new BpeTokenizer({ vocab: ["a", "b", "[UNK]"], merges: [], unkToken: "[UNK]" });
  assert.deepEqual(unk.encode("ac"), [0, 2]);
  assert.throws(
    () => new BpeTokenizer({ vocab: ["a"], unkToken: "<unk>" }),
    /unk token "<unk>" is not in the vocabulary/,
  );
});

Deno.test("BPE: a malformed tokenizer.json is an error naming the file and the problem", () => {
  const good = JSON.parse(JSON.stringify(new BpeTokenizer({ vocab: ["a", "b", "ab"], merges: [["a", "b"]] })));
  // deno-lint-ignore no-explicit-any
  const bad = (change: (j: any) => void) => {
    const j = structuredClone(good);
    change(j);
    return () => BpeTokenizer.fromHuggingFace(j, "bad/tokenizer.json");
  };
  assert.throws(bad((j) => j.model.merges = ["a b c"]), /bad\/tokenizer.json model.merges\[0\] is "a b c"/);
  assert.throws(bad((j) => j.model.vocab.a = "x"), /model.vocab\["a"\] is "x" \(expected an id >= 0\)/);
  assert.throws(
    bad((j) => j.model.merges = [["a", "c"]]),
    /merge 0 \("a" "c"\) needs "c", which is not in the vocabulary/,
  );
  assert.throws(bad((j) => j.normalizer = { type: "NFC" }), /normalizer "NFC" is not supported for BPE/);
  assert.throws(bad((j) => j.pre_tokenizer = { type: "Metaspace" }), /pre_tokenizer "Metaspace" is not supported/);
  assert.throws(bad((j) => delete j.model), /bad\/tokenizer.json has no object "model"/);
  assert.throws(bad((j) => j.added_tokens = [{ id: "x" }]), /added_tokens\[0\] needs an integer id/);
});
