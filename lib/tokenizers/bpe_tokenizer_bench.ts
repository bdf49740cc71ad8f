// GPT-2 encoding of Moby-Dick (1.19 M characters) against the JavaScript peers, measured in the same run,
// and BPE training to 4,096 tokens. The ids are checked identical before anything is timed.
//   deno bench --no-prompt --allow-read --allow-env lib/tokenizers/bpe_tokenizer_bench.ts
import { encode as gptTokenizerEncode } from "gpt-tokenizer/encoding/gpt2";
import { Tiktoken } from "js-tiktoken/lite";
import jsTiktokenGpt2 from "js-tiktoken/ranks/gpt2";
import { get_encoding } from "tiktoken";
import { loadText } from "../data/mod.ts";
import { BpeTokenizer } from "./bpe_tokenizer.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import { WordPieceTokenizer } from "./wordpiece_tokenizer.ts";

const text = await loadText("moby-dick");
const gpt2 = await loadTokenizer("gpt2");
const js = new Tiktoken(jsTiktokenGpt2);
const wasm = get_encoding("gpt2");
const ours = gpt2.encode(text);
const peers: [string, ArrayLike<number>][] = [
  ["gpt-tokenizer", gptTokenizerEncode(text)],
  ["tiktoken", wasm.encode(text, "all")],
  ["js-tiktoken", js.encode(text)],
];
for (const [name, ids] of peers) {
  if (ids.length !== ours.length || ours.some((id, i) => id !== ids[i])) throw new Error(`ids differ from ${name}`);
}

const group = "gpt2 encode moby-dick";
Deno.bench({ name: "codex BpeTokenizer (gpt2)", group, baseline: true, fn: () => void gpt2.encode(text) });
Deno.bench({ name: "gpt-tokenizer 4.0.0", group, fn: () => void gptTokenizerEncode(text) });
Deno.bench({ name: "tiktoken 1.0.22 (wasm)", group, fn: () => void wasm.encode(text, "all") });
Deno.bench({ name: "js-tiktoken 1.0.21", group, n: 3, warmup: 1, fn: () => void js.encode(text) });

Deno.bench({
  name: "BPE train moby-dick to 4,096 tokens (3,839 merges)",
  group: "train",
  n: 5,
  warmup: 1,
  fn: () => void BpeTokenizer.train([text], { vocabSize: 4096 }),
});
Deno.bench({
  name: "WordPiece train moby-dick to 8,000 tokens",
  group: "train",
  n: 3,
  warmup: 1,
  fn: () => void WordPieceTokenizer.train([text], { vocabSize: 8000 }),
});
