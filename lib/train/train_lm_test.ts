import assert from "node:assert/strict";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { RunConfig } from "../config/mod.ts";
import type { GptConfig } from "../models/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { checkRecord, type MetricRecord, readNdjson, type RecordKind } from "../telemetry/mod.ts";
import { readEventDir } from "../telemetry/testdata/read_tfevents.ts";
import { trainLanguageModel } from "./train_lm.ts";
import { tinyConfig as baseConfig, trainLosses } from "./_testing.ts";

async function tinyConfig(extra: string[] = []): Promise<RunConfig> {
  return baseConfig(await Deno.makeTempDir({ prefix: "codex-train-test-" }), [
    "train.max_steps=60",
    "train.warmup_steps=10",
    "train.lr=3e-3",
    "train.eval_interval=30",
    "train.eval_batches=4",
    "sample.max_new_tokens=40",
    ...extra,
  ]);
}

const losses = trainLosses;

Deno.test("trainLanguageModel: loss falls, and the run folder follows the contract", async () => {
  const cfg = await tinyConfig();
  const r = await trainLanguageModel(cfg);
  assert.equal(r.status, "finished");
  assert.equal(r.steps, 60);
  const train = await losses(r.dir);
  assert.equal(train.length, 60);
  const first = train.slice(0, 5).reduce((a, b) => a + b) / 5, last = train.slice(-10).reduce((a, b) => a + b) / 10;
  assert.ok(first > Math.log(r.vocab_size) - 0.3, `starts near uniform (${first} vs ln V = ${Math.log(r.vocab_size)})`);
  assert.ok(last < first - 0.8, `training loss falls (${first} -> ${last})`);
  assert.ok(
    r.final_val_loss < r.baselines.unigram_val_loss,
    `val ${r.final_val_loss} beats unigram ${r.baselines.unigram_val_loss}`,
  );

  // run.json, config.yaml, summary.json
  const info = JSON.parse(await Deno.readTextFile(join(r.dir, "run.json")));
  assert.equal(info.status, "finished");
  assert.equal(info.run_id, r.run_id);
  assert.match(info.run_id, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.equal(info.schema_version, 1);
  assert.ok(info.ended_at && info.config_hash && info.versions.tfjs);
  assert.deepEqual(parseYaml(await Deno.readTextFile(join(r.dir, "config.yaml"))), JSON.parse(JSON.stringify(cfg)));
  const summary = JSON.parse(await Deno.readTextFile(join(r.dir, "summary.json")));
  assert.equal(summary.final_val_loss, r.final_val_loss);
  assert.ok(summary.tokens_per_sec > 0 && summary.wall_time_s > 0);

  // Every NDJSON record validates against its declared layout.
  for (const kind of ["metrics", "events", "samples", "system"] as RecordKind[]) {
    const records = await readNdjson(join(r.dir, `${kind}.ndjson`));
    assert.ok(records.length > 0, `${kind}.ndjson has records`);
    for (const rec of records) assert.deepEqual(checkRecord(kind, rec), [], JSON.stringify(rec));
  }
  const metrics = await readNdjson<MetricRecord>(join(r.dir, "metrics.ndjson"));
  const val = metrics.filter((m) => m.split === "val" && m.metric === "loss");
  assert.deepEqual(val.map((m) => m.step), [30, 60]);
  assert.equal(val[1]!.value, r.final_val_loss);
  const events = await readNdjson<{ kind: string }>(join(r.dir, "events.ndjson"));
  assert.deepEqual(events.map((e) => e.kind), ["start", "eval", "checkpoint", "eval", "checkpoint", "end"]);
  const samples = await readNdjson<{ text: string }>(join(r.dir, "samples.ndjson"));
  assert.equal(Array.from(samples[0]!.text).length, 40);

  // tracking.tensorboard (on by default): tb/ holds the same values, read back with every CRC checked.
  const tb = await readEventDir(join(r.dir, "tb"));
  const scalars = (tag: string) =>
    tb.events.flatMap((e) => e.kind === "scalar" && e.tag === tag ? [[e.step, e.value]] : []);
  for (const metric of ["loss", "lr", "grad_norm", "tokens_per_sec"]) {
    const want = metrics.filter((m) => m.split === "train" && m.metric === metric);
    assert.ok(want.length > 0);
    assert.deepEqual(scalars(`train/${metric}`), want.map((m) => [m.step, Math.fround(m.value)]), metric);
  }
  assert.deepEqual(scalars("val/loss"), val.map((m) => [m.step, Math.fround(m.value)]));
  assert.ok(scalars("system/cpu_percent").length > 0);
  const texts = tb.events.flatMap((e) => e.kind === "text" ? [e] : []);
  assert.deepEqual(texts.map((e) => [e.tag, e.step]), [["config", 0], ["samples", 60]]);
  const yaml = await Deno.readTextFile(join(r.dir, "config.yaml"));
  assert.equal(texts[0]!.text, yaml.trimEnd().split("\n").map((l) => "    " + l).join("\n"));
  assert.ok(texts[1]!.text.endsWith(samples[0]!.text.split("\n").map((l) => "    " + l).join("\n")));

  // Checkpoints at each evaluation, verified, with latest/best pointers.
  const mgr = new CheckpointManager(join(r.dir, "checkpoints"));
  assert.deepEqual((await mgr.list()).map((c) => c.step), [30, 60]);
  for (const c of await mgr.list()) assert.ok((await mgr.verify(c.name)).ok);
  assert.equal(JSON.parse(await Deno.readTextFile(join(r.dir, "checkpoints", "latest.json"))).step, 60);
  const latest = await mgr.loadLatest();
  assert.equal(latest!.state.tokens_seen, 60 * 8 * 32);
  assert.equal(latest!.weights.size, 2 + 12 * 3 + 2);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: the same seed writes the same losses; another seed does not", async () => {
  const a = await tinyConfig(["train.max_steps=12", "train.eval_interval=12", "sample.max_new_tokens=20"]);
  const r1 = await trainLanguageModel(a);
  const r2 = await trainLanguageModel(a);
  const r3 = await trainLanguageModel({ ...a, seed: a.seed + 1 });
  const [l1, l2, l3] = [await losses(r1.dir), await losses(r2.dir), await losses(r3.dir)];
  assert.equal(l1.length, 12);
  assert.deepEqual(l1, l2);
  assert.equal(r1.final_val_loss, r2.final_val_loss);
  assert.equal(r1.sample, r2.sample);
  assert.notDeepEqual(l1, l3);
  await Deno.remove(a.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: bad input fails before any run folder exists", async () => {
  const cfg = await tinyConfig();
  await assert.rejects(
    () => trainLanguageModel({ ...cfg, model: { ...cfg.model, name: "gpt-huge" } }),
    /unknown model "gpt-huge"/,
  );
  await assert.rejects(
    () => trainLanguageModel({ ...cfg, data: { ...cfg.data, name: "wiki" } }),
    /unknown dataset "wiki" \(known: first-names, moby-dick, sotu, spam-assassin, or a file path\)/,
  );
  await assert.rejects(() => trainLanguageModel({ ...cfg, sample: { ...cfg.sample, prompt: "Ω" } }), /character "Ω"/);
  assert.deepEqual([...Deno.readDirSync(cfg.out_dir)], []);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: an abort writes a final checkpoint and marks the run interrupted", async () => {
  const cfg = await tinyConfig(["train.max_steps=1000", "train.eval_interval=500"]);
  const abort = new AbortController();
  const r = await trainLanguageModel(cfg, {
    signal: abort.signal,
    callbacks: { onStepEnd: (p) => p.step === 7 && abort.abort() },
  });
  assert.equal(r.status, "interrupted");
  assert.equal(r.steps, 7);
  const info = JSON.parse(await Deno.readTextFile(join(r.dir, "run.json")));
  assert.equal(info.status, "interrupted");
  const mgr = new CheckpointManager(join(r.dir, "checkpoints"));
  assert.deepEqual((await mgr.list()).map((c) => c.step), [7]);
  assert.ok((await mgr.verify("step-000007")).ok);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: an error mid-run marks the run failed with the message", async () => {
  const cfg = await tinyConfig(["train.max_steps=50"]);
  await assert.rejects(
    () =>
      trainLanguageModel(cfg, {
        callbacks: {
          onStepEnd: (p) => {
            if (p.step === 3) throw new Error("disk full");
          },
        },
      }),
    /disk full/,
  );
  const [run] = [...Deno.readDirSync(cfg.out_dir)].map((e) => e.name);
  const info = JSON.parse(await Deno.readTextFile(join(cfg.out_dir, run!, "run.json")));
  assert.equal(info.status, "failed");
  assert.equal(info.error, "disk full");
  assert.ok(info.ended_at);
  const events = await readNdjson<{ kind: string; message: string }>(join(cfg.out_dir, run!, "events.ndjson"));
  assert.deepEqual(events.at(-1), { ...events.at(-1), kind: "error", message: "disk full" });
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: safety.enabled redacts the data before training and logs safety events in the run", async () => {
  const { registerDataset } = await import("../data/mod.ts");
  registerDataset({
    name: "test-leaky",
    description: "names with an e-mail address in them",
    source: "test",
    license: "test",
    task: "language-modeling",
    fields: ["text"],
    load: () => Promise.resolve("alice\nbob\nwrite to jane.doe@corp.io\n".repeat(200)),
  }, { replace: true });
  const cfg = await tinyConfig([
    "data.name=test-leaky",
    "safety.enabled=true",
    "train.max_steps=5",
    "train.eval_interval=5",
  ]);
  const r = await trainLanguageModel(cfg);
  const tok = JSON.parse(await Deno.readTextFile(join(r.dir, "tokenizer.json")));
  assert.ok(tok.vocab.includes("[") && !tok.vocab.includes("@"), "the model never saw the address");
  const events = await readNdjson<{ kind: string; message: string; data: { hash?: string } }>(
    join(r.dir, "events.ndjson"),
  );
  const safety = events.filter((e) => e.kind === "safety");
  assert.equal(safety.length, 200);
  assert.ok(safety.every((e) => e.message === "email-address" && /^[0-9a-f]{16}$/.test(e.data.hash!)));
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: tokenizer=bpe trains merges on the training split, learns, and resumes exactly", async () => {
  const cfg = await tinyConfig(["train.max_steps=120", "train.eval_interval=40", "sample.max_new_tokens=12"]);
  cfg.tokenizer = { name: "bpe", vocab_size: 320 };
  const straight = await trainLanguageModel(cfg);
  assert.equal(straight.vocab_size, 320);
  const saved = JSON.parse(await Deno.readTextFile(join(straight.dir, "tokenizer.json")));
  assert.equal(saved.model.type, "BPE", "a Hugging Face tokenizer.json");
  assert.ok(straight.val_chars_per_token > 1.2, `BPE tokens hold several characters (${straight.val_chars_per_token})`);
  assert.ok(
    Math.abs(straight.final_val_nats_per_char - straight.final_val_loss / straight.val_chars_per_token) < 1e-12,
  );
  const train = await losses(straight.dir);
  assert.ok(train.at(-1)! < train[0]! - 0.8, `loss falls (${train[0]} -> ${train.at(-1)})`);
  assert.ok(
    straight.final_val_loss < straight.baselines.unigram_val_loss,
    `val ${straight.final_val_loss} beats unigram ${straight.baselines.unigram_val_loss}`,
  );

  // Stopped at step 50 and resumed: the run's own tokenizer.json is read back, the losses replay.
  const abort = new AbortController();
  const first = await trainLanguageModel(cfg, {
    signal: abort.signal,
    callbacks: { onStepEnd: (p) => p.step === 50 && abort.abort() },
  });
  const second = await trainLanguageModel(cfg, { resume: first.run_id });
  assert.deepEqual(await losses(second.dir), train);
  assert.equal(second.sample, straight.sample);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: a classifier's word tokenizer is refused for a language model, naming the ones that work", async () => {
  const cfg = await tinyConfig(["tokenizer.name=word"]);
  await assert.rejects(() => trainLanguageModel(cfg), /tokenizer\.name must be one of char, bpe, gpt2 \(got "word"/);
  assert.deepEqual([...Deno.readDirSync(cfg.out_dir)], []);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("trainLanguageModel: a native step that fails marks the run failed with the message", async () => {
  const { getModelEntry, registerModel, Gpt } = await import("../models/mod.ts");
  const nano = getModelEntry("gpt-nano");
  // A model whose embedding is smaller than its config says: the native graph refuses its weights.
  registerModel({
    ...nano,
    name: "test-gpt-misfit",
    create: (c, rng) => Gpt.create({ ...(c as unknown as GptConfig), vocab_size: 3 }, rng),
  });
  const cfg = await tinyConfig(["model=test-gpt-misfit", "backend=native", "train.max_steps=5"]);
  const expected = /Cannot run gpt natively: wte\.weight has 144 values, expected 2592 \(\[54, 48\]\)$/;
  await assert.rejects(() => trainLanguageModel(cfg), expected);
  const [run] = [...Deno.readDirSync(cfg.out_dir)].map((e) => e.name);
  const info = JSON.parse(await Deno.readTextFile(join(cfg.out_dir, run!, "run.json")));
  assert.equal(info.status, "failed");
  assert.match(info.error, /^Cannot run gpt natively: wte\.weight has 144 values/);
  await Deno.remove(cfg.out_dir, { recursive: true });
});
