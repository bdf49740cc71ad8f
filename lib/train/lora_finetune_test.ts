import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunConfig } from "../config/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { trainLanguageModel } from "./train_lm.ts";
import { tinyConfig, trainLosses } from "./_testing.ts";

function config(out: string, extra: string[]): RunConfig {
  return tinyConfig(out, [
    "train.max_steps=20",
    "train.warmup_steps=2",
    "train.lr=3e-3",
    "train.eval_interval=10",
    "train.keep_last=0",
    ...extra,
  ]);
}

const losses = trainLosses;

Deno.test("LoRA fine-tune: init_from a run, only adapters change, adapters saved alone, exact resume", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-lora-test-" });
  const base = await trainLanguageModel(await config(out, []));
  const ft = await config(out, [
    `init_from=${base.run_id}`,
    "lora.r=4",
    "lora.alpha=8",
    "lora.targets='attn.c_attn,mlp.c_fc'", // quoted: an unquoted a,b is a sweep (Hydra refuses it without -m)
    "lora.dropout=0.1",
    "train.lr=1e-2",
  ]);
  // The weights keep their tokenizer: another one is refused before a run folder is written.
  const runsBefore = [...Deno.readDirSync(out)].length;
  await assert.rejects(
    () => trainLanguageModel({ ...ft, tokenizer: { name: "bpe", vocab_size: 300 } }),
    /it was trained with tokenizer char \(got tokenizer\.name=bpe\)/,
  );
  assert.equal([...Deno.readDirSync(out)].length, runsBefore);
  const tuned = await trainLanguageModel(ft);
  const info = JSON.parse(await Deno.readTextFile(join(tuned.dir, "run.json")));
  assert.equal(info.parent, base.run_id);
  const src = await new CheckpointManager(join(base.dir, "checkpoints")).loadBest();
  const end = await new CheckpointManager(join(tuned.dir, "checkpoints")).loadLatest();
  for (const [name, t] of src!.weights) assert.deepEqual(end!.weights.get(name)!.data, t.data, `${name} frozen`);
  const adapters = [...end!.weights.keys()].filter((k) => k.includes(".lora_"));
  assert.equal(adapters.length, 2 * 2 * 3, "A and B for 2 targets x 3 layers");
  assert.ok(end!.weights.get("h.0.attn.c_attn.lora_B.weight")!.data.some((v) => v !== 0), "B has trained");
  const files = [...Deno.readDirSync(join(tuned.dir, "adapters"))].map((e) => e.name).sort();
  assert.deepEqual(files, ["adapter_config.json", "adapter_model.safetensors"]);
  // Stop half way and resume: the same losses as the straight fine-tune.
  const abort = new AbortController();
  const first = await trainLanguageModel(ft, {
    signal: abort.signal,
    callbacks: { onStepEnd: (p) => p.step === 7 && abort.abort() },
  });
  const resumed = await trainLanguageModel(ft, { resume: first.run_id });
  assert.deepEqual(await losses(resumed.dir), await losses(tuned.dir));
  // train.workers=2 is taken as one core for LoRA (the workers hold plain models): the same losses, said in the log.
  const said: string[] = [];
  const two = await trainLanguageModel({ ...ft, train: { ...ft.train, workers: 2 } }, { log: (m) => said.push(m) });
  assert.deepEqual(await losses(two.dir), await losses(tuned.dir));
  assert.ok(said.includes("LoRA trains on one core (train.workers=2 is ignored)"), said.join(" | "));
  await Deno.remove(out, { recursive: true });
});

Deno.test("init_from a Hugging Face folder: the weights of a savePretrained model start the run", async () => {
  const { savePretrained, createModel, getWeights } = await import("../models/mod.ts");
  const { Rng } = await import("../random/mod.ts");
  const { initBackend } = await import("../backend/mod.ts");
  const out = await Deno.makeTempDir({ prefix: "codex-hf-init-" });
  await initBackend("wasm");
  const src = createModel("gpt-nano", { vocab_size: 54, block_size: 32 }, new Rng(99));
  await savePretrained(src, join(out, "hf"), { name: "gpt-nano" });
  const cfg = config(out, [
    `init_from=${join(out, "hf")}`,
    "train.max_steps=1",
    "train.eval_interval=1",
    "train.lr=1e-12",
    "train.min_lr=0",
  ]);
  const r = await trainLanguageModel(cfg);
  const ckpt = await new CheckpointManager(join(r.dir, "checkpoints")).loadLatest();
  const want = getWeights(src);
  for (const [k, t] of want) {
    const got = ckpt!.weights.get(k)!.data;
    t.data.forEach((v, i) => assert.ok(Math.abs(v - got[i]!) < 1e-6, `${k}[${i}]`));
  }
  src.dispose();
  await Deno.remove(out, { recursive: true });
});
