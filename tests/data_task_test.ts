// `deno task data` as users run it, with the task's own permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { taskCommand } from "./_task.ts";

const run = (args: string[]) => taskCommand("data", args).output();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("data task: list, split, verify, and one-line errors", async () => {
  assert.equal((await run(["--help"])).code, 0);
  const list = await run(["list"]);
  assert.match(text(list.stdout), /spam-assassin\s+classification/);
  const dir = await Deno.makeTempDir();
  const split = await run([
    "split",
    "first-names",
    "--out",
    dir,
    "--train",
    "0.9",
    "--val",
    "0.05",
    "--test",
    "0.05",
    "--stratify",
  ]);
  assert.equal(split.code, 0, text(split.stderr));
  assert.match(text(split.stdout), /^train\s+7964\s+\{"female":4456,"male":3508\}/m);
  const verify = await run(["verify", join(dir, "split_manifest.json")]);
  assert.equal(verify.code, 0);
  assert.match(text(verify.stdout), /^ok: the split matches its data/);
  const bad = await run(["split", "first-names", "--out", dir, "--train", "0.9"]);
  assert.equal(bad.code, 1);
  assert.match(text(bad.stderr).trim(), /^error: Cannot split: fractions must sum to 1 \(got 1\.1/);
  const unknown = await run(["frobnicate"]);
  assert.match(text(unknown.stderr).trim(), /^error: Cannot run data: unknown command "frobnicate"/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("data task: prepare builds a token cache with GPT-2 or a saved BPE tokenizer, then reuses it", async () => {
  const dir = await Deno.makeTempDir();
  const gpt2 = await run(["prepare", "first-names", "--tokenizer", "gpt2", "--out", dir]);
  assert.equal(gpt2.code, 0, text(gpt2.stderr));
  assert.match(text(gpt2.stdout), /\(bpe tokenizer, 50257 ids\)\nbuilt .+\.bin: \d+ tokens \(Uint16Array\)/);
  const again = await run(["prepare", "first-names", "--tokenizer", "gpt2", "--out", dir]);
  assert.match(text(again.stdout), /\nreused .+\.bin/);
  const bpe = join(dir, "bpe.json");
  const trained = await taskCommand("tokenize", [
    "train",
    "--type",
    "bpe",
    "--vocab-size",
    "300",
    "--data",
    "first-names",
    "--out",
    bpe,
  ]).output();
  assert.equal(trained.code, 0, text(trained.stderr));
  const own = await run(["prepare", "first-names", "--tokenizer", bpe, "--out", dir]);
  assert.match(text(own.stdout), /\(bpe tokenizer, 300 ids\)\nbuilt /);
  await Deno.remove(dir, { recursive: true });
});
