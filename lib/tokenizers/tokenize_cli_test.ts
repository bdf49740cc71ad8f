import assert from "node:assert/strict";
import { taskCommand } from "../../tests/_task.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import { type CliOutput, TOKENIZE_HELP, tokenizeCli } from "./tokenize_cli.ts";

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const io: CliOutput = { out: (l) => out.push(l), err: (l) => err.push(l), colour: false };
  const code = await tokenizeCli(args, io);
  return { code, out, err };
}

Deno.test("tokenize task: --help and bad commands, with the task's own permissions", async () => {
  const help = await taskCommand("tokenize", ["--help"]).output();
  assert.equal(help.code, 0);
  assert.equal(new TextDecoder().decode(help.stdout).trim(), TOKENIZE_HELP);
  const bad = await taskCommand("tokenize", ["encode", "--tokenizer", "gpt5", "x"]).output();
  assert.equal(bad.code, 1);
  assert.match(new TextDecoder().decode(bad.stderr), /^error: Cannot load tokenizer: unknown name "gpt5"/);
  const ok = await taskCommand("tokenize", ["encode", "--tokenizer", "gpt2", "Call me Ishmael."]).output();
  assert.equal(new TextDecoder().decode(ok.stdout), "14134 502 1148 21720 417 13\n");
  assert.equal((await run([])).code, 2);
  await assert.rejects(run(["bogus"]), /unknown command "bogus"/);
  await assert.rejects(run(["train", "--type", "bpe", "--out", "x.json"]), /--vocab-size N is required/);
  await assert.rejects(run(["train", "--type", "sp", "--vocab-size", "9", "--out", "x"]), /--type must be one of/);
  await assert.rejects(run(["decode", "-t", "gpt2", "1", "x"]), /"x" is not a token id/);
});

Deno.test("tokenize task: encode and decode, as ids, JSON or offsets", async () => {
  assert.deepEqual((await run(["encode", "-t", "gpt2", "hello", "world"])).out, ["31373 995"]);
  assert.deepEqual((await run(["encode", "-t", "gpt2", "--json", "hello world"])).out, ["[31373,995]"]);
  const offsets = (await run(["encode", "-t", "gpt2", "--offsets", "hi 🐋"])).out.map((l) => JSON.parse(l));
  assert.deepEqual(offsets[0], { id: 5303, token: "hi", start: 0, end: 2, text: "hi" });
  assert.ok(offsets.slice(2).every((o) => o.text === "🐋"));
  assert.deepEqual((await run(["decode", "-t", "gpt2", "[31373,", "995]"])).out, ["hello world"]);
  assert.deepEqual((await run(["decode", "-t", "gpt2", "31373,50256", "--skip-special"])).out, ["hello"]);
});

Deno.test("tokenize task: train with progress, inspect and export", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/corpus.txt`, "the whale, the sea and the ship. ".repeat(200));
    const trained = await run([
      "train",
      "--type",
      "wordpiece",
      "--vocab-size",
      "60",
      "--data",
      `${dir}/corpus.txt`,
      "--out",
      `${dir}/wp/tokenizer.json`,
    ]);
    assert.match(trained.err[0]!, /^training wordpiece to 60 tokens on .*corpus.txt \(6,600 characters\)$/);
    assert.match(trained.out[0]!, /^wordpiece tokenizer: \d+ ids in [\d.]+ s -> .*tokenizer.json$/);
    const inspect = await run(["inspect", "-t", `${dir}/wp`, "The whale!"]);
    assert.deepEqual(inspect.out.slice(1, 3), [
      `vocabulary  ${(await loadTokenizer(`${dir}/wp`)).vocabSize} ids`,
      "special     [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4",
    ]);
    assert.equal(inspect.out[3], "sample      [The][whale][!]");
    assert.equal(inspect.out[4], "compression 3.33 characters/token, 3.33 bytes/token (3 tokens for 10 characters)");
    const bpe = await run([
      "train",
      "--type",
      "bpe",
      "--vocab-size",
      "280",
      "--data",
      `${dir}/corpus.txt`,
      "--out",
      `${dir}/bpe.json`,
    ]);
    assert.equal(bpe.code, 0);
    const orig = await loadTokenizer(`${dir}/bpe.json`);
    assert.ok(orig.vocabSize > 257 && orig.vocabSize <= 280);
    const exported = await run(["export", "-t", `${dir}/bpe.json`, "--out", `${dir}/bpe.tiktoken`]);
    assert.equal(
      exported.out[0],
      `wrote ${dir}/bpe.tiktoken (${orig.vocabSize - 1} ranks; special tokens, not in the file: <|endoftext|>=0)`,
    );
    assert.match(exported.out[1]!, /^check: the rank file gives the same ids/);
    const back = await loadTokenizer(`${dir}/bpe.tiktoken`);
    assert.deepEqual(back.encode("the whale and the sea"), orig.encode("the whale and the sea"));
    await assert.rejects(
      run(["export", "-t", `${dir}/wp`, "--out", `${dir}/wp.tiktoken`]),
      /only byte-level BPE has tiktoken ranks/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tokenize train: a local JSONL corpus with its own text field (--text-field)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ body: `whale ship sea ${i % 5}`, n: i }));
    await Deno.writeTextFile(`${dir}/c.jsonl`, lines.join("\n") + "\n");
    const out = `${dir}/wp.json`;
    await assert.rejects(
      run(["train", "--type", "wordpiece", "--vocab-size", "60", "--data", `${dir}/c.jsonl`, "--out", out]),
      /record 1 has no field "text" \(fields: body, n\)/,
    );
    const r = await run([
      "train",
      "--type",
      "wordpiece",
      "--vocab-size",
      "60",
      "--data",
      `${dir}/c.jsonl`,
      "--text-field",
      "body",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.err.join("\n"));
    const tok = await loadTokenizer(out);
    assert.deepEqual(tok.decode(tok.encode("whale ship")), "whale ship");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
