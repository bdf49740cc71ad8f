import assert from "node:assert/strict";
import { join } from "node:path";
import { compose } from "../config/mod.ts";
import { type EventRecord, readNdjson } from "../telemetry/mod.ts";
import { tinyConfig } from "./_testing.ts";
import { trainClassifier } from "./train_classifier.ts";
import { trainLanguageModel, type TrainOptions } from "./train_lm.ts";
import { TrialPruned } from "./trial_pruned.ts";

const configDir = new URL("../../configs", import.meta.url).pathname;

/** Options whose eval callback aborts the run with a TrialPruned reason at step 2. */
function pruneAtStep2(): TrainOptions {
  const abort = new AbortController();
  return {
    signal: abort.signal,
    callbacks: {
      onEvalEnd: (e) => {
        if (e.step === 2) abort.abort(new TrialPruned("worse than the median", { median: 2 }));
      },
    },
  };
}

async function checkPruned(dir: string, step: number) {
  const info = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
  assert.equal(info.status, "pruned");
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  assert.deepEqual([summary.status, summary.stop_reason, summary.steps], ["pruned", "pruned", step]);
  const events = await readNdjson<EventRecord>(join(dir, "events.ndjson"));
  const e = events.find((x) => x.kind === "pruned")!;
  assert.equal(e.message, "worse than the median");
  assert.deepEqual(e.data, { median: 2 });
  assert.equal(events.at(-1)!.message, "pruned", "the end event names the stop reason");
}

Deno.test("an abort with a TrialPruned reason marks a language-model run pruned, with the reason in events", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-prune-test-" });
  const r = await trainLanguageModel(tinyConfig(out, ["train.max_steps=6", "train.eval_interval=2"]), pruneAtStep2());
  assert.deepEqual([r.status, r.stop_reason, r.steps], ["pruned", "pruned", 2]);
  await checkPruned(r.dir, 2);
  await Deno.remove(out, { recursive: true });
});

Deno.test("an abort with a TrialPruned reason marks a classifier run pruned; a plain abort still interrupts", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-prune-test-" });
  const cfg = await compose("config", [
    "model=bow-linear",
    "data=spam-assassin",
    "tokenizer=word",
    "train=classify",
    "train.max_steps=6",
    "train.eval_interval=2",
    "tokenizer.vocab_size=512",
    `out_dir=${out}`,
  ], { configDir });
  const r = await trainClassifier(cfg, pruneAtStep2());
  assert.deepEqual([r.status, r.stop_reason, r.steps], ["pruned", "pruned", 2]);
  await checkPruned(r.dir, 2);
  const plain = new AbortController();
  plain.abort();
  const i = await trainClassifier(cfg, { signal: plain.signal });
  assert.equal(i.status, "interrupted");
  await Deno.remove(out, { recursive: true });
});
