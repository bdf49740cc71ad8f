import assert from "node:assert/strict";
import type { RunConfig } from "../config/mod.ts";
import {
  DEFAULT_BPE_VOCAB_SIZE,
  LANGUAGE_MODEL_TOKENIZERS,
  languageModelTokenizer,
} from "./language_model_tokenizer.ts";

type Spec = RunConfig["tokenizer"];

Deno.test("languageModelTokenizer: the names and the default BPE size", () => {
  assert.deepEqual(LANGUAGE_MODEL_TOKENIZERS, ["char", "bpe", "gpt2"]);
  assert.equal(DEFAULT_BPE_VOCAB_SIZE, 1024);
});

Deno.test("languageModelTokenizer: char takes every character of the whole text, not just the training text", async () => {
  const tok = await languageModelTokenizer({ name: "char" }, "bca ab", "ab");
  assert.equal(tok.vocabSize, 4);
  // characters in sorted order: " " a b c
  assert.deepEqual([...tok.encodeIds("abc ")], [1, 2, 3, 0]);
  assert.equal(tok.decode(tok.encodeIds("cab a")), "cab a");
});

Deno.test("languageModelTokenizer: bpe learns merges from the training text only and reports its training", async () => {
  const messages: string[] = [];
  const train = "the whale the whale the whale";
  const tok = await languageModelTokenizer(
    { name: "bpe", vocab_size: 270 },
    "xyzxyz xyzxyz xyzxyz xyzxyz " + train,
    train,
    (m) => messages.push(m),
  );
  assert.ok(tok.vocabSize > 256 && tok.vocabSize <= 270, `vocab ${tok.vocabSize}`);
  assert.equal(tok.decode(tok.encodeIds("the whale")), "the whale");
  assert.ok(tok.encodeIds("the whale").length < "the whale".length, "training words are merged");
  assert.equal(tok.encodeIds("xyz").length, 3, "text outside the training split is not merged");
  assert.equal(messages.length, 1);
  assert.match(
    messages[0]!,
    new RegExp(`^Trained byte-level BPE to ${tok.vocabSize} tokens on 29 characters in \\d+\\.\\d s$`),
  );
  // no callback is fine
  await languageModelTokenizer({ name: "bpe", vocab_size: 260 }, train, train);
});

Deno.test("languageModelTokenizer: gpt2 is the real GPT-2 encoding", async () => {
  const tok = await languageModelTokenizer({ name: "gpt2" }, "", "");
  assert.equal(tok.vocabSize, 50257);
  assert.deepEqual([...tok.encodeIds("Hello world")], [15496, 995]);
});

Deno.test("languageModelTokenizer: other names are a RangeError naming the ones that work", async () => {
  for (const name of ["word", "wordpiece"]) {
    await assert.rejects(
      languageModelTokenizer({ name } as unknown as Spec, "abc", "abc"),
      (err: unknown) => {
        assert.ok(err instanceof RangeError);
        assert.equal(
          err.message,
          `Cannot train a language model: tokenizer.name must be one of char, bpe, gpt2 (got "${name}"; word is for classifiers)`,
        );
        return true;
      },
    );
  }
});
