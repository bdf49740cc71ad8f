// `deno task train tokenizer=bpe` then `deno task generate` on that run, as users run them.
import assert from "node:assert/strict";
import { join } from "node:path";
import { root, taskCommand, testRunsDir, TINY_TRAIN, trainTinyBpeRun } from "./_task.ts";

Deno.test("generate task: a BPE run continues a prompt with characters its corpus lacks, the same text for the same seed", async () => {
  const dir = await testRunsDir();
  const train = await taskCommand("train", [
    ...TINY_TRAIN,
    "tokenizer=bpe",
    "tokenizer.vocab_size=300",
    "train.max_steps=20",
    "train.eval_interval=20",
    "sample.max_new_tokens=10",
    `out_dir=${dir}`,
  ]).output();
  const text = new TextDecoder().decode(train.stdout);
  assert.equal(train.code, 0, new TextDecoder().decode(train.stderr));
  assert.match(text, /val loss +\d\.\d{4} nats\/token .*\n +\d\.\d{4} nats\/char \(\d\.\d\d characters per token\)/);
  const [run] = [...Deno.readDirSync(join(root, dir))].map((e) => e.name);
  const tok = JSON.parse(await Deno.readTextFile(join(root, dir, run!, "tokenizer.json")));
  assert.equal(Object.keys(tok.model.vocab).length, 300);

  // A prompt with characters the names never had: bytes are tokens, so nothing is lost.
  const gen = await taskCommand("generate", [
    `run=${run}`,
    `out_dir=${dir}`,
    "prompt=Zoë 🐋",
    "max_new_tokens=25",
    "seed=5",
  ]).output();
  assert.equal(gen.code, 0, new TextDecoder().decode(gen.stderr));
  const out = new TextDecoder().decode(gen.stdout);
  assert.ok(out.startsWith("Zoë 🐋"), out);
  assert.ok(out.length > "Zoë 🐋".length + 5, `generated text follows the prompt: ${JSON.stringify(out)}`);
  const again = await taskCommand("generate", [
    `run=${run}`,
    `out_dir=${dir}`,
    "prompt=Zoë 🐋",
    "max_new_tokens=25",
    "seed=5",
  ])
    .output();
  assert.equal(new TextDecoder().decode(again.stdout), out, "the same seed gives the same text");

  // stop=TEXT cuts right after the first occurrence in the generated text, across token boundaries.
  const stopped = await taskCommand("generate", [
    `run=${run}`,
    `out_dir=${dir}`,
    "prompt=Zoë 🐋",
    "max_new_tokens=200",
    "seed=5",
    "stop=an",
  ]).output();
  assert.equal(stopped.code, 0, new TextDecoder().decode(stopped.stderr));
  const cut = new TextDecoder().decode(stopped.stdout).replace(/\n$/, "").slice("Zoë 🐋".length);
  assert.ok(cut.endsWith("an") && cut.indexOf("an") === cut.length - 2, JSON.stringify(cut));
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("generate task: with safety on, the output streams through the filters (the prompt's e-mail is redacted)", async () => {
  const { dir, run } = await trainTinyBpeRun(["safety.enabled=true"]);
  const gen = await taskCommand("generate", [
    `run=${run}`,
    `out_dir=${dir}`,
    "prompt=write to jane.doe@corp.io and",
    "max_new_tokens=40",
    "seed=1",
  ]).output();
  assert.equal(gen.code, 0, new TextDecoder().decode(gen.stderr));
  const out = new TextDecoder().decode(gen.stdout);
  assert.ok(out.startsWith("write to [EMAIL] and"), out);
  assert.ok(!out.includes("jane.doe"), out);
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("generate task: a run folder the task may not read is named as a permission problem, not a missing run", async () => {
  const outside = await Deno.makeTempDir({ prefix: "codex-outside-" });
  await Deno.writeTextFile(join(outside, "run.json"), "{}");
  const { code, stderr } = await taskCommand("generate", [`run=${outside}`]).output();
  const lines = new TextDecoder().decode(stderr).trim().split("\n");
  assert.equal(code, 1);
  assert.equal(lines.length, 1, lines.join(" | "));
  assert.match(
    lines[0]!,
    /^error: Cannot read run ".+": this task may not read .+ \(its permissions cover the project folder only\)$/,
  );
  await Deno.remove(outside, { recursive: true });
});
