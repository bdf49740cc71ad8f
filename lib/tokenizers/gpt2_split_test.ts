import assert from "node:assert/strict";
import { loadText } from "../data/mod.ts";
import { gpt2Split } from "./gpt2_split.ts";
import { randomTexts } from "./testdata/random_text.ts";

// The reference: GPT-2's pattern as js-tiktoken and gpt-tokenizer run it.
const PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const reference = (text: string) => Array.from(text.matchAll(PATTERN), (m) => m[0]);

Deno.test("gpt2Split: the same pieces as GPT-2's regular expression on Moby-Dick and random Unicode", async () => {
  const text = await loadText("moby-dick");
  assert.deepEqual(gpt2Split(text), reference(text));
  for (const s of randomTexts(11, 2000, 30)) assert.deepEqual(gpt2Split(s), reference(s), JSON.stringify(s));
});

Deno.test("gpt2Split: contractions, the optional space and whitespace runs", () => {
  assert.deepEqual(gpt2Split("I'll  go"), ["I", "'ll", " ", " go"]);
  assert.deepEqual(gpt2Split("they'RE 's"), ["they", "'", "RE", " '", "s"]);
  assert.deepEqual(gpt2Split("a \nb  "), ["a", " ", "\n", "b", "  "]);
  assert.deepEqual(gpt2Split("x\u{1D400}\u{1D401}1½!?"), ["x\u{1D400}\u{1D401}", "1½", "!?"]);
  assert.deepEqual(gpt2Split(""), []);
});
