// Exact resume, and the other ways a run continues or stops: refusals,
// divergence, early stopping, gradient accumulation.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunConfig } from "../config/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { type MetricRecord, readNdjson } from "../telemetry/mod.ts";
import { trainLanguageModel } from "./train_lm.ts";
import { tinyConfig } from "./_testing.ts";

async function config(extra: string[] = [], out?: string): Promise<RunConfig> {
  const dir = out ?? await Deno.makeTempDir({ prefix: "codex-resume-test-" });
  return tinyConfig(dir, [
    "model.dropout=0.1", // dropout masks must replay too
    "train.max_steps=40",
    "train.warmup_steps=5",
    "train.lr=3e-3",
    "train.eval_interval=10",
    "train.keep_last=0",
    ...extra,
  ]);
}

async function metric(dir: string, split: string, name: string): Promise<Map<number, number>> {
  const rows = await readNdjson<MetricRecord>(join(dir, "metrics.ndjson"));
  const out = new Map<number, number>();
  for (const r of rows.filter((r) => r.split === split && r.metric === name)) {
    assert.ok(!out.has(r.step), `step ${r.step} of ${split}/${name} appears once`);
    out.set(r.step, r.value);
  }
  return out;
}

// Two paths: tfjs autodiff (dropout > 0 keeps a GPT off the fused native
// step) and the native step with two ONNX Runtime threads.
const paths = [
  { stopAt: 20, name: "tfjs, dropout 0.1", extra: [] },
  { stopAt: 25, name: "native, 2 threads", extra: ["model.dropout=0", "backend=native", "train.workers=2"] },
];
for (const { stopAt, name, extra } of paths) {
  Deno.test(`resume (${name}): stopped at step ${stopAt} then resumed, losses equal a straight run's`, async () => {
    const cfg = await config(extra);
    const straight = await trainLanguageModel(cfg);
    const abort = new AbortController();
    const first = await trainLanguageModel(cfg, {
      signal: abort.signal,
      callbacks: { onStepEnd: (p) => p.step === stopAt && abort.abort() },
    });
    assert.equal(first.status, "interrupted");
    assert.equal(first.steps, stopAt);
    const second = await trainLanguageModel(cfg, { resume: first.run_id });
    assert.equal(second.run_id, first.run_id, "resumed in place");
    assert.equal(second.resumed_from_step, stopAt);
    assert.equal(second.status, "finished");
    const a = await metric(straight.dir, "train", "loss"), b = await metric(second.dir, "train", "loss");
    assert.equal(b.size, 40);
    for (let s = 1; s <= 40; s++) assert.equal(b.get(s), a.get(s), `train loss at step ${s}`);
    assert.equal(second.final_val_loss, straight.final_val_loss);
    assert.equal(second.sample, straight.sample);
    const info = JSON.parse(await Deno.readTextFile(join(second.dir, "run.json")));
    assert.equal(info.status, "finished");
    if (extra.includes("backend=native")) assert.equal(info.backend, "native");
    const events = await readNdjson<{ kind: string; data: Record<string, unknown> }>(join(second.dir, "events.ndjson"));
    const resume = events.find((e) => e.kind === "resume")!;
    assert.equal(resume.data.checkpoint, `step-0000${stopAt}`);
    await Deno.remove(cfg.out_dir, { recursive: true });
  });
}

Deno.test("resume: records written after the checkpoint are replaced, not duplicated", async () => {
  const cfg = await config(["train.max_steps=30"]);
  const abort = new AbortController();
  // Stop at 17: the interrupt checkpoint is step 17. Then fake a crash that
  // had written steps 18-19 after it.
  const first = await trainLanguageModel(cfg, {
    signal: abort.signal,
    callbacks: { onStepEnd: (p) => p.step === 17 && abort.abort() },
  });
  const extra = [18, 19].map((step) =>
    JSON.stringify({
      schema_version: 1,
      run_id: first.run_id,
      step,
      epoch: 0,
      split: "train",
      metric: "loss",
      value: 9,
      ts: "",
      tokens_seen: 0,
    })
  ).join("\n") + "\n" + '{"schema_version":1,"run_id":"torn'; // and a torn last line
  await Deno.writeTextFile(join(first.dir, "metrics.ndjson"), extra, { append: true });
  const second = await trainLanguageModel(cfg, { resume: first.dir });
  const losses = await metric(second.dir, "train", "loss");
  assert.equal(losses.size, 30);
  assert.notEqual(losses.get(18), 9);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("resume: an architecture change is refused naming the key; an unknown run lists the runs", async () => {
  const cfg = await config(["train.max_steps=10"]);
  const r = await trainLanguageModel(cfg);
  const changed = { ...cfg, model: { ...cfg.model, n_layer: 2 } };
  await assert.rejects(
    () => trainLanguageModel(changed, { resume: r.run_id }),
    /Cannot resume run .*: model.n_layer changed \(3 in the run, 2 now\)/,
  );
  await assert.rejects(
    () => trainLanguageModel(cfg, { resume: "20990101-000000-zzzz" }),
    new RegExp(`Cannot find run "20990101-000000-zzzz" in .* \\(runs: ${r.run_id}\\)`),
  );
  // A non-architecture change (more steps) is allowed and recorded.
  const more = await trainLanguageModel({ ...cfg, train: { ...cfg.train, max_steps: 20 } }, { resume: r.run_id });
  assert.equal(more.steps, 20);
  const events = await readNdjson<{ kind: string; data: { changed_keys?: string[] } }>(join(r.dir, "events.ndjson"));
  assert.deepEqual(events.find((e) => e.kind === "resume")!.data.changed_keys, ["train.max_steps"]);
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("divergence: a NaN loss stops the run, names the last good checkpoint, and marks it failed", async () => {
  const cfg = await config([
    "train.optimizer=sgd",
    "train.momentum=0.9",
    "train.grad_clip=0",
    "train.schedule=constant",
    "train.warmup_steps=0",
    "train.lr=1e6",
    "train.max_steps=200",
    "train.eval_interval=1",
    "model.dropout=0",
  ]);
  await assert.rejects(
    () => trainLanguageModel(cfg),
    /Training diverged: loss is (NaN|Infinity) at step \d+; the last good checkpoint is step-\d{6}/,
  );
  const [run] = [...Deno.readDirSync(cfg.out_dir)].map((e) => e.name);
  const info = JSON.parse(await Deno.readTextFile(join(cfg.out_dir, run!, "run.json")));
  assert.equal(info.status, "failed");
  const mgr = new CheckpointManager(join(cfg.out_dir, run!, "checkpoints"));
  const latest = await mgr.loadLatest();
  assert.ok(latest, "the last good checkpoint is kept");
  assert.ok([...latest.weights.values()].every((w) => w.data.every(Number.isFinite)), "its weights are finite");
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("early stopping: stops after `patience` evaluations without a better val loss", async () => {
  // A learning rate too small to move float32 weights: val loss never improves.
  const cfg = await config(["train.lr=1e-12", "train.min_lr=0", "train.early_stopping_patience=2", "model.dropout=0"]);
  const r = await trainLanguageModel(cfg);
  assert.equal(r.stop_reason, "early_stopping");
  assert.equal(r.steps, 30, "evals at 10 (best), 20 and 30 (no better) -> stop at 30");
  await Deno.remove(cfg.out_dir, { recursive: true });
});

Deno.test("gradient accumulation: 2 x 4 windows matches one batch of 8", async () => {
  const out = await Deno.makeTempDir();
  const one = await trainLanguageModel(await config(["train.max_steps=8", "model.dropout=0"], out));
  const acc = await trainLanguageModel(
    await config(["train.max_steps=8", "model.dropout=0", "train.batch_size=4", "train.grad_accum_steps=2"], out),
  );
  const a = await metric(one.dir, "train", "loss"), b = await metric(acc.dir, "train", "loss");
  for (let s = 1; s <= 8; s++) {
    assert.ok(Math.abs(a.get(s)! - b.get(s)!) < 1e-4, `step ${s}: ${a.get(s)} vs ${b.get(s)}`);
  }
  assert.equal(acc.tokens_seen, one.tokens_seen);
  await Deno.remove(out, { recursive: true });
});
