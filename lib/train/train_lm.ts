/**
 * The language-model training job, as one flat loop in the order nanoGPT
 * uses: set the learning rate; evaluate and checkpoint when due; forward and
 * backward; clip; step; log. Everything a run writes goes through the run
 * store (telemetry) and the checkpoint manager.
 *
 * @module
 */
import { join } from "node:path";
import { initBackend, tf } from "../backend/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { configHash, configToYaml, type RunConfig, validateRunConfig } from "../config/mod.ts";
import { loadText, splitTail } from "../data/mod.ts";
import { writeJsonAtomic } from "../io/mod.ts";
import { createModel, generate, getModelEntry, type Gpt, ngramLoss } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { Run, SystemSampler } from "../telemetry/mod.ts";
import { CharTokenizer } from "../tokenizers/mod.ts";
import { AdamW, clipByGlobalNorm } from "./adamw.ts";
import { allWindows, type Batch, evenBatches, randomBatch } from "./batches.ts";
import { cosineWithWarmup } from "./schedule.ts";

/** Progress after one optimizer step. */
export interface StepProgress {
  step: number;
  maxSteps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  elapsedMs: number;
  etaMs: number;
}

/** Hooks a notebook or script can pass to watch or steer a run. */
export interface TrainCallbacks {
  onTrainStart?(info: { runId: string; dir: string; numParams: number; vocabSize: number }): void;
  onStepEnd?(p: StepProgress): void;
  onEvalEnd?(e: { step: number; valLoss: number; full: boolean }): void;
  onCheckpoint?(c: { step: number; path: string }): void;
  onTrainEnd?(r: TrainResult): void;
}

/** Options of {@linkcode trainLanguageModel}. */
export interface TrainOptions {
  /** Aborting stops after the current step, writes a final checkpoint, and marks the run `interrupted`. */
  signal?: AbortSignal;
  callbacks?: TrainCallbacks;
  /** Informational messages (default: none). */
  log?: (message: string) => void;
}

/** What a finished (or interrupted) run reports; also `summary.json`. */
export interface TrainResult {
  run_id: string;
  dir: string;
  status: "finished" | "interrupted";
  steps: number;
  tokens_seen: number;
  final_train_loss: number;
  final_val_loss: number;
  best_val_loss: number;
  best_checkpoint: string | null;
  tokens_per_sec: number;
  train_time_s: number;
  wall_time_s: number;
  num_params: number;
  vocab_size: number;
  baselines: { unigram_val_loss: number; bigram_val_loss: number };
  sample: string;
}

function meanLoss(model: Gpt, batches: Batch[]): number {
  let sum = 0;
  for (const b of batches) {
    const l = model.loss(b.x, b.y, b.batch, b.time);
    sum += l.dataSync()[0]!;
    l.dispose();
  }
  return sum / batches.length;
}

/**
 * Trains a character-level language model as the config says and writes the
 * run folder (see DESIGN.md). Bad config, unknown model or dataset throw
 * before any run folder exists; a failure after that marks the run `failed`.
 *
 * @example
 * ```ts ignore
 * import { DEFAULT_CONFIG, applyOverrides } from "../config/mod.ts";
 * import { trainLanguageModel } from "./train_lm.ts";
 * const cfg = applyOverrides(DEFAULT_CONFIG, ["model=gpt-nano", "train.max_steps=20"], { model: { "gpt-nano": {} } });
 * const r = await trainLanguageModel(cfg);
 * console.log(r.final_val_loss);
 * ```
 */
export async function trainLanguageModel(config: RunConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const cfg = validateRunConfig(config);
  const { signal, callbacks = {}, log = () => {} } = options;
  const tc = cfg.train;
  const B = tc.batch_size, T = cfg.model.block_size;

  // Everything that can fail on bad input is checked before the run folder exists.
  getModelEntry(cfg.model.name);
  const backend = await initBackend(cfg.backend);
  const text = await loadText(cfg.data.name);
  const tokenizer = CharTokenizer.train(text);
  const ids = tokenizer.encode(text);
  const { train, val } = splitTail(ids, cfg.data.val_fraction);
  const prompt = tokenizer.encode(cfg.sample.prompt);
  const evalTrain = evenBatches(train, B, T, tc.eval_batches);
  const evalVal = evenBatches(val, B, T, tc.eval_batches);
  const baselines = {
    unigram_val_loss: ngramLoss(train, val, tokenizer.vocabSize, 1, 0.01),
    bigram_val_loss: ngramLoss(train, val, tokenizer.vocabSize, 2, 0.01),
  };
  const { name: _name, ...shape } = cfg.model;
  const model = createModel(
    cfg.model.name,
    { ...shape, vocab_size: tokenizer.vocabSize },
    Rng.stream(cfg.seed, "init"),
  );
  model.setDropoutSeed(Rng.stream(cfg.seed, "dropout").nextU32());
  const optimizer = new AdamW(model.params, {
    beta1: tc.beta1,
    beta2: tc.beta2,
    eps: tc.eps,
    weightDecay: tc.weight_decay,
  });
  const batchRng = Rng.stream(cfg.seed, "batches");

  const hash = await configHash(cfg);
  const yaml = configToYaml(cfg);
  const run = await Run.create({
    outDir: cfg.out_dir,
    name: cfg.name,
    configHash: hash,
    configYaml: yaml,
    seed: cfg.seed,
    backend: backend.name,
    versions: { deno: Deno.version.deno, tfjs: backend.tfjsVersion, codex: "0.1.0" },
  });
  try {
    await writeJsonAtomic(join(run.dir, "tokenizer.json"), tokenizer.toJSON());
    const ckpt = new CheckpointManager(join(run.dir, "checkpoints"));
    const sampler = new SystemSampler(run.id);
    run.event("start", 0, `training ${cfg.model.name} on ${cfg.data.name}`, {
      num_params: model.numParams,
      vocab_size: tokenizer.vocabSize,
      train_tokens: train.length,
      val_tokens: val.length,
      baselines,
    });
    callbacks.onTrainStart?.({
      runId: run.id,
      dir: run.dir,
      numParams: model.numParams,
      vocabSize: tokenizer.vocabSize,
    });

    let step = 0, tokensSeen = 0, lastLoss = NaN, lastVal = NaN, bestVal = Infinity;
    let bestCheckpoint: string | null = null, trainMs = 0;
    const recent: number[] = [];
    const epochOf = () => tokensSeen / train.length;

    // Periodic evaluations use the same eval_batches windows each time; the
    // last one passes over every window of the validation split.
    const evaluate = (full: boolean) => {
      const valBatches = full ? allWindows(val, 4 * B, T) : evalVal;
      const valLoss = meanLoss(model, valBatches);
      const trainLoss = meanLoss(model, evalTrain);
      lastVal = valLoss;
      const row = { step, epoch: epochOf(), tokens_seen: tokensSeen };
      run.metric({ ...row, split: "val", metric: "loss", value: valLoss });
      run.metric({ ...row, split: "train_eval", metric: "loss", value: trainLoss });
      const windows = valBatches.reduce((n, b) => n + b.batch, 0);
      run.event("eval", step, `val loss ${valLoss.toFixed(4)}`, {
        val_loss: valLoss,
        train_loss: trainLoss,
        val_windows: windows,
        val_tokens: windows * T,
        full,
      });
      callbacks.onEvalEnd?.({ step, valLoss, full });
      return valLoss;
    };
    const checkpoint = async (valLoss: number) => {
      const info = await ckpt.save(step, {
        weights: new Map(
          [...model.params].map(([k, v]) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }]),
        ),
        optimizer: optimizer.stateTensors(),
        state: {
          epoch: epochOf(),
          tokens_seen: tokensSeen,
          rng: { batches: batchRng.state() },
          optimizer_steps: optimizer.t,
          val_loss: valLoss,
          best_val_loss: Math.min(bestVal, valLoss),
          config_hash: hash,
        },
        configYaml: yaml,
      });
      if (valLoss < bestVal) {
        bestVal = valLoss;
        bestCheckpoint = info.name;
        await writeJsonAtomic(join(ckpt.dir, "best.json"), {
          name: info.name,
          step,
          metric: "val_loss",
          value: valLoss,
        });
      }
      run.event("checkpoint", step, info.name, { path: info.path, val_loss: valLoss });
      callbacks.onCheckpoint?.({ step, path: info.path });
    };

    while (step < tc.max_steps) {
      // Let a pending Ctrl-C (or other abort) be seen between steps.
      await new Promise((r) => setTimeout(r, 0));
      if (signal?.aborted) break;
      const ts = performance.now();
      // 1. learning rate for this step
      const lr = cosineWithWarmup(step, {
        lr: tc.lr,
        minLr: tc.min_lr,
        warmupSteps: tc.warmup_steps,
        totalSteps: tc.max_steps,
      });
      // 2. forward + backward on a fresh random batch
      const b = randomBatch(train, B, T, batchRng);
      const { value, grads } = tf.variableGrads(() => model.loss(b.x, b.y, B, T, true), [...model.params.values()]);
      // 3. clip, 4. step
      const clipped = clipByGlobalNorm(grads, tc.grad_clip);
      optimizer.step(clipped.grads, lr);
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(clipped.grads)]);
      step++;
      tokensSeen += B * T;
      trainMs += performance.now() - ts;
      lastLoss = loss;
      recent.push(loss);
      if (recent.length > tc.log_interval) recent.shift();
      if (!Number.isFinite(loss)) throw new Error(`Training diverged: loss is ${loss} at step ${step}`);
      // 5. log
      const row = { step, epoch: epochOf(), tokens_seen: tokensSeen, split: "train" };
      run.metric({ ...row, metric: "loss", value: loss });
      run.metric({ ...row, metric: "lr", value: lr });
      run.metric({ ...row, metric: "grad_norm", value: clipped.norm });
      const tokensPerSec = tokensSeen / (trainMs / 1000);
      if (step % tc.log_interval === 0) {
        run.metric({ ...row, metric: "tokens_per_sec", value: tokensPerSec });
        run.system(sampler.sample(step));
      }
      callbacks.onStepEnd?.({
        step,
        maxSteps: tc.max_steps,
        loss,
        lr,
        gradNorm: clipped.norm,
        tokensPerSec,
        elapsedMs: performance.now() - t0,
        etaMs: (trainMs / step) * (tc.max_steps - step) * 1.05,
      });
      // 6. evaluate and checkpoint when due
      if (step % tc.eval_interval === 0 || step === tc.max_steps) await checkpoint(evaluate(step === tc.max_steps));
    }

    const interrupted = step < tc.max_steps;
    if (interrupted) {
      log(`Interrupted at step ${step}: writing a final checkpoint`);
      if (step > 0) await checkpoint(evaluate(false));
    }
    // A sample from the final model.
    const sampleRng = Rng.stream(cfg.seed, "sample");
    const out = generate(model, prompt.length ? prompt : new Int32Array([0]), {
      maxNewTokens: cfg.sample.max_new_tokens,
      temperature: cfg.sample.temperature,
      topK: cfg.sample.top_k,
      rng: sampleRng,
    });
    const sample = tokenizer.decode(out.subarray(prompt.length ? prompt.length : 1));
    run.sample({
      step,
      prompt: cfg.sample.prompt,
      text: sample,
      seed: cfg.seed,
      temperature: cfg.sample.temperature,
      top_k: cfg.sample.top_k,
    });
    const result: TrainResult = {
      run_id: run.id,
      dir: run.dir,
      status: interrupted ? "interrupted" : "finished",
      steps: step,
      tokens_seen: tokensSeen,
      final_train_loss: recent.length ? recent.reduce((a, c) => a + c, 0) / recent.length : lastLoss,
      final_val_loss: lastVal,
      best_val_loss: bestVal,
      best_checkpoint: bestCheckpoint,
      tokens_per_sec: trainMs > 0 ? tokensSeen / (trainMs / 1000) : 0,
      train_time_s: trainMs / 1000,
      wall_time_s: (performance.now() - t0) / 1000,
      num_params: model.numParams,
      vocab_size: tokenizer.vocabSize,
      baselines,
      sample,
    };
    await run.writeSummary({ ...result });
    run.event("end", step, result.status, { final_val_loss: lastVal, wall_time_s: result.wall_time_s });
    await run.end(result.status);
    callbacks.onTrainEnd?.(result);
    return result;
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    try {
      run.event("error", 0, msg, {});
    } finally {
      await run.end("failed", msg);
    }
    throw err;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
