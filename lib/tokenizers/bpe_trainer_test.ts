import assert from "node:assert/strict";
import { loadText } from "../data/mod.ts";
import { BpeTokenizer } from "./bpe_tokenizer.ts";
import { trainBpeMerges, type TrainProgress } from "./bpe_trainer.ts";
import { excerptLines } from "./testdata/fixture_corpus.ts";

Deno.test("trainBpeMerges: byte-level training gives Hugging Face's merges, in order", async () => {
  // hf_bpe.tokenizer.json: Hugging Face's BpeTrainer (min_frequency 0) on the same lines (make_fixtures.sh).
  const hf = JSON.parse(await Deno.readTextFile(new URL("./testdata/hf_bpe.tokenizer.json", import.meta.url)));
  const lines = excerptLines(await loadText("moby-dick"));
  const tok = BpeTokenizer.train(lines, { vocabSize: 100_000, minFrequency: 0, specialTokens: [] });
  assert.equal(hf.model.merges.length, 3961);
  assert.deepEqual(tok.merges, hf.model.merges);
});

Deno.test("trainBpeMerges: most frequent pair first, ties to lower ids, minFrequency and vocabSize stop it", () => {
  const words = new Map([["hug", 10], ["pug", 5], ["pun", 12], ["bun", 4], ["hugs", 5]]);
  const all = trainBpeMerges(words, { vocabSize: 100, minFrequency: 1 });
  // u g: 20 (hug, pug, hugs); then u n: 16 (pun, bun; p u fell to 12); then h ug: 15.
  assert.deepEqual(all.merges.slice(0, 3), [["u", "g"], ["u", "n"], ["h", "ug"]]);
  assert.deepEqual(all.vocab.slice(0, 7), ["b", "g", "h", "n", "p", "s", "u"]);
  const capped = trainBpeMerges(words, { vocabSize: 9, specialTokens: ["<s>"] });
  assert.deepEqual(capped.vocab, ["<s>", "b", "g", "h", "n", "p", "s", "u", "ug"]);
  const frequent = trainBpeMerges(words, { vocabSize: 100, minFrequency: 13 });
  assert.deepEqual(frequent.merges, [["u", "g"], ["u", "n"], ["h", "ug"]]);
  // Ties: "ab" and "cd" both 3 times: the pair of lower ids (a, b) first.
  assert.deepEqual(trainBpeMerges(new Map([["cd", 3], ["ab", 3]]), { vocabSize: 6 }).merges, [["a", "b"], ["c", "d"]]);
  assert.throws(() => trainBpeMerges(words, { vocabSize: 0 }), /vocabSize must be a positive integer \(got 0\)/);
});

Deno.test("trainBpeMerges: continuing prefix for WordPiece, and progress reports", () => {
  const seen: TrainProgress[] = [];
  const { vocab, merges } = trainBpeMerges(new Map([["hug", 10], ["hugs", 5]]), {
    vocabSize: 100,
    continuingPrefix: "##",
    onProgress: (p) => seen.push(p),
  });
  // h ##u and ##u ##g both occur 15 times: (h, ##u) has the lower ids (1, 6) against (6, 4).
  assert.deepEqual(vocab, ["g", "h", "s", "u", "##g", "##s", "##u", "hu", "hug", "hugs"]);
  assert.deepEqual(merges, [["h", "##u"], ["hu", "##g"], ["hug", "##s"]]);
  assert.deepEqual(seen.at(-1)!.merges, 3);
  assert.equal(seen.at(-1)!.target, 93);
});
