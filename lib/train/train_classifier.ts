/**
 * The classification job: a labelled dataset split (stratified, with a
 * manifest), a word tokenizer trained on the training split, and a
 * registered classification model (`bow-linear`, `minilm`) trained with the
 * same optimizers, schedules, clipping, checkpoints and telemetry as the
 * language-model loop, over seeded shuffled epochs. Evaluation reports loss,
 * accuracy and macro-F1 on the validation split; the end scores the
 * held-out test split.
 *
 * @module
 */
import { join } from "node:path";
import { initBackend, tf } from "../backend/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { configHash, configToYaml, type RunConfig, validateRunConfig } from "../config/mod.ts";
import {
  type DataRecord,
  EpochBatcher,
  type EpochBatcherState,
  loadLabelledDataset,
  splitDataset,
} from "../data/mod.ts";
import { writeJsonAtomic } from "../io/mod.ts";
import {
  type ClassificationModel,
  createModel,
  type EncoderBatch,
  getModelEntry,
  getWeights,
  resolveModelConfig,
  setWeights,
} from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { findRunDir, Run, SystemSampler } from "../telemetry/mod.ts";
import { WordTokenizer } from "../tokenizers/mod.ts";
import { accumulateGradients, clipScale, gradientNorm } from "./adamw.ts";
import { createOptimizer } from "./optimizer.ts";
import { learningRate } from "./schedule.ts";
import { resumeConfig, type TrainOptions } from "./train_lm.ts";
import { TrialPruned } from "./trial_pruned.ts";

/** What a classification run reports; also `summary.json`. */
export interface ClassifierResult {
  run_id: string;
  dir: string;
  status: "finished" | "interrupted" | "pruned";
  stop_reason: "max_steps" | "early_stopping" | "interrupted" | "pruned";
  steps: number;
  epochs: number;
  labels: string[];
  val: { loss: number; accuracy: number; macro_f1: number };
  test: { loss: number; accuracy: number; macro_f1: number };
  /** Accuracy of always predicting the most frequent training label. */
  majority_accuracy: number;
  num_params: number;
  vocab_size: number;
  train_time_s: number;
  wall_time_s: number;
}

interface Encoded {
  ids: number[];
  label: number;
}

function batchOf(examples: Encoded[]): { input: EncoderBatch; labels: Int32Array } {
  const B = examples.length;
  const T = Math.max(1, ...examples.map((e) => e.ids.length));
  const ids = new Int32Array(B * T), mask = new Int32Array(B * T), labels = new Int32Array(B);
  examples.forEach((e, b) => {
    e.ids.forEach((id, t) => {
      ids[b * T + t] = id;
      mask[b * T + t] = 1;
    });
    labels[b] = e.label;
  });
  return { input: { ids, mask, batch: B, time: T }, labels };
}

/** Loss, accuracy and macro-F1 of `model` on `examples`. */
function score(model: ClassificationModel, examples: Encoded[], K: number, B: number) {
  let loss = 0;
  const tp = new Array<number>(K).fill(0), fp = new Array<number>(K).fill(0), fn = new Array<number>(K).fill(0);
  let correct = 0;
  for (let i = 0; i < examples.length; i += B) {
    const chunk = examples.slice(i, i + B);
    const { input, labels } = batchOf(chunk);
    const [l, pred] = tf.tidy(() => {
      const logits = model.logits(input);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), K, 1, 0, "int32").cast("float32");
      const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), y)));
      return [nll.dataSync()[0]!, tf.argMax(logits, -1).dataSync() as Int32Array];
    });
    loss += l;
    chunk.forEach((e, j) => {
      const p = pred[j]!;
      if (p === e.label) {
        correct++;
        tp[p]!++;
      } else {
        fp[p]!++;
        fn[e.label]!++;
      }
    });
  }
  const f1 = tp.map((t, k) => {
    const prec = t + fp[k]! ? t / (t + fp[k]!) : 0, rec = t + fn[k]! ? t / (t + fn[k]!) : 0;
    return prec + rec ? (2 * prec * rec) / (prec + rec) : 0;
  });
  return {
    loss: loss / examples.length,
    accuracy: correct / examples.length,
    macro_f1: f1.reduce((a, b) => a + b, 0) / K,
  };
}

/**
 * Trains a classifier as the config says (`model` a classification model,
 * `data` a labelled dataset, `tokenizer.name: word`), writing a run folder.
 *
 * @example
 * ```ts ignore
 * const cfg = await compose("config", ["model=bow-linear", "data=spam-assassin", "tokenizer=word"]);
 * const r = await trainClassifier(cfg);
 * console.log(r.test.accuracy);
 * ```
 */
export async function trainClassifier(config: RunConfig, options: TrainOptions = {}): Promise<ClassifierResult> {
  const t0 = performance.now();
  let cfg = validateRunConfig(config);
  const { signal, log = () => {} } = options;
  const tc = cfg.train;
  const entry = getModelEntry(cfg.model.name);
  const resumeDir = options.resume ? await findRunDir(cfg.out_dir, options.resume) : null;
  // A resumed run may not change its model, tokenizer or data (the names are checked against the run's config).
  if (resumeDir) ({ config: cfg } = await resumeConfig(resumeDir, cfg));
  if (entry.task !== "classification") {
    throw new RangeError(`Cannot train a classifier: ${cfg.model.name} is a ${entry.task} model`);
  }
  if (cfg.tokenizer.name !== "word") {
    throw new RangeError(`Cannot train a classifier: tokenizer.name must be word (got ${cfg.tokenizer.name})`);
  }
  if (tc.workers > 1) log("Classification trains on one core (train.workers is ignored)");
  const backend = await initBackend(cfg.backend);
  const ds = await loadLabelledDataset(cfg.data.name, cfg.data);
  const unlabelled = ds.records.find((r) => r.label === undefined);
  if (unlabelled) {
    throw new TypeError(`Cannot train a classifier on ${cfg.data.name}: record ${unlabelled.id} has no label`);
  }
  const labels = [...new Set(ds.records.map((r) => r.label!))].sort();

  const hash = await configHash(cfg);
  const yaml = configToYaml(cfg);
  // Resume: the run's newest good checkpoint (weights, optimizer, batcher position).
  const resumed = resumeDir ? await new CheckpointManager(join(resumeDir, "checkpoints")).loadLatest(log) : null;
  if (resumeDir && !resumed) {
    throw new Error(`Cannot resume run ${resumeDir}: it has no checkpoint that passes verification`);
  }
  const run = resumeDir
    ? (await Run.resume(resumeDir, resumed!.step, {
      configYaml: yaml,
      configHash: hash,
      tensorboard: cfg.tracking.tensorboard,
    })).run
    : await Run.create({
      outDir: cfg.out_dir,
      name: cfg.name,
      configHash: hash,
      configYaml: yaml,
      seed: cfg.seed,
      backend: backend.name,
      versions: { deno: Deno.version.deno, tfjs: backend.tfjsVersion, codex: "0.1.0" },
      ...(options.sweepId ? { sweepId: options.sweepId } : {}),
      tensorboard: cfg.tracking.tensorboard,
    });
  let model: ClassificationModel | null = null;
  const sampler = new SystemSampler(run.id);
  try {
    // A stratified split with its manifest in the run folder.
    const v = cfg.data.val_fraction;
    const manifest = await splitDataset(ds, {
      train: 1 - 2 * v,
      val: v,
      test: v,
      seed: cfg.seed,
      stratify: true,
      outDir: join(run.dir, "split"),
    });
    const byId = new Map(ds.records.map((r) => [r.id, r]));
    const idsOf = async (s: string) =>
      (await Deno.readTextFile(join(run.dir, "split", manifest.splits[s]!.ids_file))).trim().split("\n").map((id) =>
        byId.get(id)!
      );
    const [trainRecs, valRecs, testRecs] = [await idsOf("train"), await idsOf("val"), await idsOf("test")];
    const tokenizer = resumeDir
      ? WordTokenizer.fromJSON(JSON.parse(await Deno.readTextFile(join(run.dir, "tokenizer.json"))))
      : WordTokenizer.train(trainRecs.map((r) => r.text), { vocabSize: cfg.tokenizer.vocab_size ?? 8192 });
    await writeJsonAtomic(join(run.dir, "tokenizer.json"), tokenizer.toJSON());
    const maxTokens = cfg.data.max_tokens ?? 256;
    const encode = (r: DataRecord): Encoded => ({
      ids: [2, ...tokenizer.encode(r.text).slice(0, maxTokens)], // [CLS] first
      label: labels.indexOf(r.label!),
    });
    const [train, val, test] = [trainRecs.map(encode), valRecs.map(encode), testRecs.map(encode)];
    const counts = labels.map((_, k) => train.filter((e) => e.label === k).length);
    const majority = counts.indexOf(Math.max(...counts));

    const { name: modelName, ...keys } = cfg.model;
    const modelConfig = resolveModelConfig(modelName, {
      ...keys,
      vocab_size: tokenizer.vocabSize,
      num_labels: labels.length,
    });
    if (
      typeof modelConfig.max_position_embeddings === "number" && maxTokens + 1 > modelConfig.max_position_embeddings
    ) {
      throw new RangeError(
        `Cannot train ${modelName}: data.max_tokens + 1 = ${
          maxTokens + 1
        } exceeds max_position_embeddings ${modelConfig.max_position_embeddings}`,
      );
    }
    model = createModel(modelName, modelConfig, Rng.stream(cfg.seed, "init")) as ClassificationModel;
    const optimizer = createOptimizer(model.params, tc);
    let batcher = new EpochBatcher(train.length, tc.batch_size, cfg.seed);
    let step = 0, bestVal = Infinity, evalsSinceBest = 0;
    if (resumed) {
      setWeights(model, resumed.weights, { source: resumed.path });
      const st = resumed.state as Record<string, unknown>;
      optimizer.loadState(resumed.optimizer, st.optimizer_steps as number);
      batcher = EpochBatcher.fromState(st.batcher as EpochBatcherState);
      step = resumed.step;
      bestVal = (st.best_val_loss as number | undefined) ?? Infinity;
      evalsSinceBest = (st.evals_since_best as number | undefined) ?? 0;
      run.event("resume", step, `resumed from ${resumed.name}`, { checkpoint: resumed.name });
    }
    const ckpt = new CheckpointManager(join(run.dir, "checkpoints"), {
      keepLast: tc.keep_last,
      keepBest: tc.keep_best,
    });
    if (!resumed) {
      run.event("start", 0, `training ${modelName} on ${cfg.data.name}`, {
        num_params: model.countParams(),
        vocab_size: tokenizer.vocabSize,
        labels,
        split: { train: train.length, val: val.length, test: test.length },
      });
    }
    options.callbacks?.onTrainStart?.({
      runId: run.id,
      dir: run.dir,
      numParams: model.countParams(),
      vocabSize: tokenizer.vocabSize,
      resumedFrom: step,
      backend: backend.name,
      backendReason: backend.reason,
      trackers: run.trackers,
    });
    const dropoutBase = Rng.stream(cfg.seed, "dropout").nextU32();
    let trainMs = 0, lastSample = -Infinity, lastVal = score(model, val, labels.length, 64);
    let stopReason: ClassifierResult["stop_reason"] = "max_steps";
    const startStep = step;
    let lastCheckpointStep = step;
    const saveCheckpoint = async () => {
      const info = await ckpt.save(step, {
        weights: getWeights(model!),
        optimizer: optimizer.stateTensors(),
        state: {
          batcher: batcher.state(),
          optimizer_steps: optimizer.t,
          val_loss: lastVal.loss,
          best_val_loss: bestVal,
          evals_since_best: evalsSinceBest,
          config_hash: hash,
        },
        configYaml: yaml,
      });
      run.event("checkpoint", step, info.name, { path: info.path, val_loss: lastVal.loss });
      run.flush();
      lastCheckpointStep = step;
    };
    while (step < tc.max_steps) {
      const ts = performance.now();
      await new Promise((r) => setTimeout(r, 0));
      if (signal?.aborted) {
        // A sweep's early stopping aborts with a TrialPruned reason: the run is pruned, not interrupted.
        stopReason = signal.reason instanceof TrialPruned ? "pruned" : "interrupted";
        if (signal.reason instanceof TrialPruned) run.event("pruned", step, signal.reason.message, signal.reason.data);
        break;
      }
      const lr = learningRate(step, {
        kind: tc.schedule,
        lr: tc.lr,
        minLr: tc.min_lr,
        warmupSteps: tc.warmup_steps,
        totalSteps: tc.max_steps,
      });
      // grad_accum_steps batches per step, gradients averaged.
      const m = model;
      const grads: Record<string, tf.Tensor> = {};
      let loss = 0;
      for (let a = 0; a < tc.grad_accum_steps; a++) {
        const { input, labels: y } = batchOf(batcher.next().map((i) => train[i]!));
        model.setDropoutSeed(dropoutBase + (step * tc.grad_accum_steps + a) * 8192);
        const r = tf.variableGrads(
          () => tf.div(m.loss(input, y, true), tc.grad_accum_steps) as tf.Scalar,
          [...m.params.values()],
        );
        loss += r.value.dataSync()[0]!;
        r.value.dispose();
        accumulateGradients(grads, r.grads);
      }
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        throw new Error(`Training diverged: loss is ${loss} at step ${step + 1}`);
      }
      const gradNorm = gradientNorm(grads);
      optimizer.step(grads, lr, clipScale(gradNorm, tc.grad_clip));
      tf.dispose(Object.values(grads));
      step++;
      trainMs += performance.now() - ts;
      const row = { step, epoch: batcher.epoch, tokens_seen: 0, split: "train" };
      run.metric({ ...row, metric: "loss", value: loss });
      run.metric({ ...row, metric: "lr", value: lr });
      if (performance.now() - lastSample >= 2000) {
        run.system(sampler.sample(step));
        lastSample = performance.now();
      }
      options.callbacks?.onStepEnd?.({
        step,
        maxSteps: tc.max_steps,
        loss,
        lr,
        gradNorm,
        tokensPerSec: 0,
        elapsedMs: performance.now() - t0,
        etaMs: (trainMs / (step - startStep)) * (tc.max_steps - step),
      });
      if (step % tc.eval_interval === 0 || step === tc.max_steps) {
        lastVal = score(model, val, labels.length, 64);
        if (lastVal.loss < bestVal) [bestVal, evalsSinceBest] = [lastVal.loss, 0];
        else evalsSinceBest++;
        for (const [metric, value] of Object.entries(lastVal)) run.metric({ ...row, split: "val", metric, value });
        run.event("eval", step, `val accuracy ${lastVal.accuracy.toFixed(4)}`, { ...lastVal });
        options.callbacks?.onEvalEnd?.({ step, valLoss: lastVal.loss, full: true });
        await saveCheckpoint();
        if (tc.early_stopping_patience > 0 && evalsSinceBest >= tc.early_stopping_patience && step < tc.max_steps) {
          stopReason = "early_stopping";
          log(`Early stopping at step ${step}: no better val loss in ${evalsSinceBest} evaluations`);
          break;
        }
      }
    }
    if (stopReason === "interrupted" && step > lastCheckpointStep) {
      log(`Interrupted at step ${step}: writing a final checkpoint`);
      await saveCheckpoint();
    }
    const testScore = score(model, test, labels.length, 64);
    for (const [metric, value] of Object.entries(testScore)) {
      run.metric({ step, epoch: batcher.epoch, tokens_seen: 0, split: "test", metric, value });
    }
    const result: ClassifierResult = {
      run_id: run.id,
      dir: run.dir,
      status: stopReason === "interrupted" || stopReason === "pruned" ? stopReason : "finished",
      stop_reason: stopReason,
      steps: step,
      epochs: (step * tc.batch_size * tc.grad_accum_steps) / train.length,
      labels,
      val: lastVal,
      test: testScore,
      majority_accuracy: test.filter((e) => e.label === majority).length / test.length,
      num_params: model.countParams(),
      vocab_size: tokenizer.vocabSize,
      train_time_s: trainMs / 1000,
      wall_time_s: (performance.now() - t0) / 1000,
    };
    await run.writeSummary({ ...result });
    run.event("end", step, stopReason, { test: testScore });
    await run.end(result.status);
    optimizer.dispose();
    return result;
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    run.event("error", 0, msg, {});
    await run.end("failed", msg);
    throw err;
  } finally {
    await sampler.stop(); // no nvidia-smi query outlives the run
    model?.dispose();
  }
}
