import assert from "node:assert/strict";
import { loadText } from "../data/mod.ts";
import type { BpeTokenizer } from "./bpe_tokenizer.ts";
import { unicodeToBytes } from "./bytes_to_unicode.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import { parseTiktokenRanks } from "./tiktoken_ranks.ts";

Deno.test("parseTiktokenRanks: tokens by rank, in the byte-level alphabet", () => {
  assert.deepEqual(parseTiktokenRanks("IQ== 0\nIGE= 2\r\nYQ== 1\n\n", "t.tiktoken"), ["!", "a", "Ġa"]);
});

Deno.test("parseTiktokenRanks: a malformed file names the file, the line and the problem", () => {
  const bad = (text: string) => () => parseTiktokenRanks(text, "r.tiktoken");
  assert.throws(
    bad("IQ== 0\nIg==\n"),
    /Cannot load tokenizer: r.tiktoken line 2 has 1 field \(expected 2: base64 token and rank\)/,
  );
  assert.throws(bad("IQ== x\n"), /r.tiktoken line 1 has rank "x" \(expected an integer >= 0\)/);
  assert.throws(bad("IQ== 0\nIg== 0\n"), /r.tiktoken line 2 gives rank 0 twice/);
  assert.throws(bad("IQ== 0\nIQ== 1\n"), /r.tiktoken line 2 lists a token twice/);
  assert.throws(bad("!!! 0\n"), /r.tiktoken line 1 has token "!!!", which is not base64/);
  assert.throws(bad("\n"), /r.tiktoken has no ranks/);
});

Deno.test("loadTokenizer: a .tiktoken file of GPT-2's ranks encodes as GPT-2 does", async () => {
  const gpt2 = (await loadTokenizer("gpt2")) as BpeTokenizer;
  const back = unicodeToBytes();
  const lines = gpt2.vocab.map((t, rank) => {
    const bytes = Uint8Array.from(Array.from(t!, (c) => back.get(c)!));
    return `${btoa(String.fromCharCode(...bytes))} ${rank}`;
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/gpt2.tiktoken`, lines.join("\n") + "\n");
    const tok = await loadTokenizer(`${dir}/gpt2.tiktoken`, { specialTokens: { "<|endoftext|>": 50256 } });
    const text = (await loadText("moby-dick")).slice(0, 5000) + "<|endoftext|>";
    assert.deepEqual(tok.encode(text), gpt2.encode(text));
    assert.equal(tok.vocabSize, 50257);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
