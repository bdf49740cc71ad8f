import assert from "node:assert/strict";
import { loadTokenizer } from "./load_tokenizer.ts";

Deno.test("loadTokenizer: gpt2 by name, the same instance each time", async () => {
  const a = await loadTokenizer("gpt2");
  assert.equal(a.vocabSize, 50257);
  assert.deepEqual([...a.specialTokens], [["<|endoftext|>", 50256]]);
  assert.equal(await loadTokenizer("gpt2"), a);
});

Deno.test("loadTokenizer: bad names and files are errors naming them", async () => {
  await assert.rejects(loadTokenizer("gpt5"), /Cannot load tokenizer: unknown name "gpt5" \(known: gpt2;/);
  await assert.rejects(loadTokenizer("/nonexistent/tokenizer.json"), /\/nonexistent\/tokenizer.json does not exist/);
  const dir = await Deno.makeTempDir();
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    };
    await assert.rejects(loadTokenizer(await write("a.json", "{")), /a.json is not valid JSON/);
    await assert.rejects(loadTokenizer(await write("b.json", "[1]")), /b.json is not a JSON object/);
    await assert.rejects(
      loadTokenizer(await write("c.json", '{"model": {"type": "Unigram"}}')),
      /c.json has model.type "Unigram" \(supported: BPE, WordPiece\)/,
    );
    await assert.rejects(
      loadTokenizer(await write("d.json", '{"type": "sentencepiece"}')),
      /d.json is neither a Hugging Face/,
    );
    await assert.rejects(loadTokenizer(await write("e.tiktoken", "IQ==\n")), /e.tiktoken line 1 has 1 field/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
