import assert from "node:assert/strict";
import { loadTokenizer } from "./load_tokenizer.ts";
import { TOKENIZER_TYPES, trainTokenizer } from "./train_tokenizer.ts";

const TEXTS = ["Call me Ishmael. Some years ago, never mind how long precisely.", "The whale! the whale!"];

Deno.test("trainTokenizer: every type gives encode -> number[], decode, save and loadTokenizer", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const type of TOKENIZER_TYPES) {
      const vocabSize = type === "bpe" ? 300 : 100;
      const tok = await trainTokenizer({ type, vocabSize, minFrequency: 1 }, TEXTS);
      assert.equal(tok.type, type);
      const ids = tok.encode("the whale");
      assert.ok(Array.isArray(ids) && ids.every(Number.isInteger), `${type}: encode returns number[]`);
      assert.equal(tok.decode(ids).toLowerCase(), "the whale");
      assert.ok(
        tok.encode("the qwhale").includes(tok.tokenToId("[UNK]")!) || type === "bpe",
        `${type}: [UNK] for unseen input`,
      );
      await tok.save(`${dir}/${type}.json`);
      assert.deepEqual((await loadTokenizer(`${dir}/${type}.json`)).encode("the whale"), ids);
      assert.ok(tok.vocabSize <= vocabSize, `${type}: ${tok.vocabSize} ids`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trainTokenizer: bad settings reject before training", async () => {
  await assert.rejects(
    trainTokenizer({ type: "unigram" as "bpe", vocabSize: 300 }, TEXTS),
    /type "unigram" is not one of bpe, wordpiece, word, char/,
  );
  await assert.rejects(
    trainTokenizer({ type: "bpe", vocabSize: 2.5 }, TEXTS),
    /vocabSize must be a positive integer \(got 2.5\)/,
  );
  await assert.rejects(trainTokenizer({ type: "bpe", vocabSize: 200 }, TEXTS), /needs at least 257 tokens/);
  await assert.rejects(
    trainTokenizer({ type: "bpe", vocabSize: 300, specialTokens: ["<s>", "<s>"] }, TEXTS),
    /special token "<s>" is empty or repeated/,
  );
  await assert.rejects(
    trainTokenizer({ type: "wordpiece", vocabSize: 300, specialTokens: ["[PAD]"] }, TEXTS),
    /a wordpiece tokenizer needs "\[UNK\]"/,
  );
});

Deno.test("trainTokenizer: BPE on Moby-Dick reports progress and reaches the vocabulary size", async () => {
  const seen: number[] = [];
  const tok = await trainTokenizer(
    { type: "bpe", vocabSize: 1000, onProgress: (p) => seen.push(p.merges) },
    TEXTS.join("\n").repeat(50),
  );
  assert.ok(seen.length >= 1 && seen.at(-1)! <= 1000 - 257);
  assert.ok(tok.vocabSize <= 1000);
});
