/**
 * The language-model training job, as one flat loop in the order nanoGPT
 * uses: set the learning rate; forward and backward (with accumulation);
 * clip; step; log; evaluate and checkpoint when due. Everything a run writes
 * goes through the run store (telemetry) and the checkpoint manager, and a
 * checkpoint holds everything needed to continue the run exactly.
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { initBackend, tf } from "../backend/mod.ts";
import { type CheckpointData, type CheckpointInfo, CheckpointManager } from "../checkpoint/mod.ts";
import { configHash, configToYaml, DEFAULT_CONFIG, type RunConfig, validateRunConfig } from "../config/mod.ts";
import { loadText, splitTail } from "../data/mod.ts";
import { writeJsonAtomic } from "../io/mod.ts";
import {
  createModel,
  generate,
  getModelEntry,
  getWeights,
  type GptNative,
  isLanguageModel,
  type LanguageModel,
  loadPretrained,
  Lora,
  type ModelConfig,
  type NamedTensor,
  ngramLoss,
  resolveModelConfig,
  setWeights,
} from "../models/mod.ts";
import { Rng, type RngState } from "../random/mod.ts";
import { findRunDir, Run, SystemSampler, type TrackerStatus } from "../telemetry/mod.ts";
import { loadTokenizer } from "../tokenizers/mod.ts";
import { languageModelTokenizer } from "./language_model_tokenizer.ts";
import { type SafetyEvent, SafetyViolation, sanitize } from "../safety/mod.ts";
import { accumulateGradients, clipScale, gradientNorm } from "./adamw.ts";
import { allWindows, type Batch, evalWindowsPerBatch, evenBatches, randomBatch } from "./batches.ts";
import { createOptimizer } from "./optimizer.ts";
import { DataParallel } from "./data_parallel.ts";
import { learningRate } from "./schedule.ts";
import { TrialPruned } from "./trial_pruned.ts";

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
  onTrainStart?(info: {
    runId: string;
    dir: string;
    numParams: number;
    vocabSize: number;
    resumedFrom: number;
    /** The backend in use, and why (`auto: ...`). */
    backend: string;
    backendReason: string;
    /** The trackers the run writes to (NDJSON, TensorBoard), and why one is off. */
    trackers?: TrackerStatus[];
  }): void;
  onStepEnd?(p: StepProgress): void;
  onEvalEnd?(e: { step: number; valLoss: number; full: boolean }): void;
  onCheckpoint?(c: { step: number; path: string }): void;
  onTrainEnd?(r: TrainResult): void;
}

/** Options of {@linkcode trainLanguageModel}. */
export interface TrainOptions {
  /**
   * Aborting stops after the current step, writes a final checkpoint, and marks the run `interrupted`;
   * aborting with a {@linkcode TrialPruned} reason (a sweep's early stopping) marks it `pruned`.
   */
  signal?: AbortSignal;
  callbacks?: TrainCallbacks;
  /** Informational messages (default: none). */
  log?: (message: string) => void;
  /**
   * Continue this run (an id under `config.out_dir`, or a run folder) in
   * place from its newest good checkpoint. `config` must match the run's in
   * the architecture keys; see {@linkcode resumeConfig}.
   */
  resume?: string;
  /** Marks the run as a trial of this sweep (`run.json` `sweep_id`). */
  sweepId?: string;
}

/** What a finished (or interrupted) run reports; also `summary.json`. */
export interface TrainResult {
  run_id: string;
  dir: string;
  status: "finished" | "interrupted" | "pruned";
  /** Why the loop ended: `max_steps`, `early_stopping`, `interrupted` or `pruned` (a sweep stopped it). */
  stop_reason: "max_steps" | "early_stopping" | "interrupted" | "pruned";
  steps: number;
  resumed_from_step: number;
  tokens_seen: number;
  final_train_loss: number;
  /** Mean validation loss in nats per token (of the run's tokenizer). */
  final_val_loss: number;
  /**
   * The final validation loss in nats per character (`final_val_loss /
   * val_chars_per_token`), comparable across tokenizers; equal to
   * `final_val_loss` for the char tokenizer.
   */
  final_val_nats_per_char: number;
  /** Characters per token over the validation split (1 for characters). */
  val_chars_per_token: number;
  best_val_loss: number;
  best_checkpoint: string | null;
  tokens_per_sec: number;
  /** Share of training time spent outside forward, backward and the optimizer step. */
  loop_overhead_pct: number;
  train_time_s: number;
  wall_time_s: number;
  num_params: number;
  vocab_size: number;
  baselines: { unigram_val_loss: number; bigram_val_loss: number };
  sample: string;
}

/**
 * Config keys that fix the model and its data: a resumed run may not change
 * them. Every `model.*` key is one, except `model.dropout`.
 */
export function architectureKeys(config: RunConfig): string[] {
  const modelKeys = Object.keys(config.model).filter((k) => k !== "dropout").map((k) => `model.${k}`);
  return [...modelKeys.sort(), "tokenizer.name", "tokenizer.vocab_size", "data.name", "data.val_fraction"];
}

function getPath(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function flatKeys(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === "object" ? flatKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]
  );
}

async function isPretrainedFolder(path: string): Promise<boolean> {
  try {
    await Deno.stat(join(path, "config.json"));
    await Deno.stat(join(path, "model.safetensors"));
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the resolved config a run was started with (its `config.yaml`).
 * Keys added to codex after the run was written take their defaults, which
 * keep the old behaviour (the `model` section is taken as written).
 */
export async function readRunConfig(runDir: string): Promise<RunConfig> {
  const path = join(runDir, "config.yaml");
  const saved = parseYaml(await Deno.readTextFile(path)) as Record<string, unknown>;
  const merge = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over ?? {})) {
      const b = base[k];
      out[k] = k !== "model" && b && v && typeof b === "object" && typeof v === "object"
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
    }
    return out;
  };
  return validateRunConfig(merge(DEFAULT_CONFIG as unknown as Record<string, unknown>, saved), path);
}

/**
 * The config to resume `runDir` with: the run's own config with `changes`
 * applied on top. Refuses a change to an architecture key, naming the key
 * and both values; returns the keys that did change.
 */
export async function resumeConfig(
  runDir: string,
  config: RunConfig,
): Promise<{ config: RunConfig; changed: string[] }> {
  const saved = await readRunConfig(runDir);
  for (const key of new Set([...architectureKeys(saved), ...architectureKeys(config)])) {
    const a = getPath(saved, key), b = getPath(config, key);
    if (a !== b) {
      throw new RangeError(
        `Cannot resume run ${runDir}: ${key} changed (${JSON.stringify(a)} in the run, ${JSON.stringify(b)} now)`,
      );
    }
  }
  const changed = flatKeys(config as unknown as Record<string, unknown>).filter((k) =>
    getPath(saved, k) !== getPath(config, k)
  );
  return { config, changed };
}

/**
 * Mean loss per token over batches (weighted by their sizes: the last may be
 * smaller). With `native`, the forward passes run on ONNX Runtime.
 */
function meanLoss(model: LanguageModel, batches: Batch[], native: GptNative | null): number {
  let sum = 0, windows = 0;
  const weights = native ? [...model.params.values()].map((p) => p.dataSync() as Float32Array) : [];
  for (const b of batches) {
    if (native) sum += native.loss(weights, b.x, b.y, b.batch, b.time) * b.batch;
    else {
      const l = model.loss(b.x, b.y, b.batch, b.time);
      sum += l.dataSync()[0]! * b.batch;
      l.dispose();
    }
    windows += b.batch;
  }
  return sum / windows;
}

/** Builds the configured language model, with weights from a checkpoint if given. */
function buildModel(
  name: string,
  config: ModelConfig,
  rng: Rng,
  weights?: { tensors: Map<string, NamedTensor>; source: string },
): LanguageModel {
  const model = createModel(name, config, rng);
  if (!isLanguageModel(model)) {
    model.dispose();
    throw new RangeError(`Cannot train ${name}: it is a ${getModelEntry(name).task} model, not a language model`);
  }
  // LoRA adapters in a checkpoint are restored after the adapters exist.
  if (weights) setWeights(model, weights.tensors, { source: weights.source, ignore: (n) => n.includes(".lora_") });
  return model;
}

/** The state a checkpoint carries besides weights and optimizer moments. */
interface LoopState {
  epoch: number;
  tokens_seen: number;
  rng: { batches: RngState };
  optimizer_steps: number;
  val_loss: number;
  best_val_loss: number;
  evals_since_best: number;
  config_hash: string;
}

/**
 * Trains a character-level language model as the config says and writes the
 * run folder (see DESIGN.md), or continues one (`options.resume`). Bad
 * config, unknown model or dataset throw before any run folder exists; a
 * failure after that marks the run `failed`.
 *
 * @example
 * ```ts ignore
 * import { applyOverrides, DEFAULT_CONFIG } from "../config/mod.ts";
 * import { modelPresets } from "../models/mod.ts";
 * import { trainLanguageModel } from "./train_lm.ts";
 * const cfg = applyOverrides(DEFAULT_CONFIG, ["model=gpt-nano", "train.max_steps=20"], { model: modelPresets() });
 * const r = await trainLanguageModel(cfg);
 * console.log(r.final_val_loss);
 * ```
 */
export async function trainLanguageModel(config: RunConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const t0 = performance.now();
  let cfg = validateRunConfig(config);
  const { signal, callbacks = {}, log = () => {} } = options;
  const tc = cfg.train;
  const B = tc.batch_size;

  // Everything that can fail on bad input is checked before a run folder is written.
  getModelEntry(cfg.model.name);
  let resumeDir: string | null = null, changed: string[] = [];
  if (options.resume) {
    resumeDir = await findRunDir(cfg.out_dir, options.resume);
    ({ config: cfg, changed } = await resumeConfig(resumeDir, cfg));
  }
  // init_from: a run (id or folder), or a Hugging Face folder (config.json + model.safetensors).
  const hfInit = cfg.init_from ? await isPretrainedFolder(cfg.init_from) : false;
  const initDir = cfg.init_from && !hfInit ? await findRunDir(cfg.out_dir, cfg.init_from) : null;
  if (initDir) {
    // Fine-tuned weights only make sense with the tokenizer they were trained on.
    const from = (await readRunConfig(initDir)).tokenizer.name;
    if (from !== cfg.tokenizer.name) {
      throw new RangeError(
        `Cannot initialise from ${initDir}: it was trained with tokenizer ${from} (got tokenizer.name=${cfg.tokenizer.name}); a fine-tune keeps its weights' tokenizer`,
      );
    }
  }
  const backend = await initBackend(cfg.backend);
  // With safety on, the corpus is filtered (redacted) before anything sees it; a block refuses to train.
  const safetyEvents: SafetyEvent[] = [];
  const safetyPolicy = cfg.safety.policy ? { policy: cfg.safety.policy } : {};
  const rawText = await loadText(cfg.data.name);
  const text = cfg.safety.enabled
    ? (await sanitize(rawText, { stage: "data", ...safetyPolicy, onEvent: (e) => safetyEvents.push(e) })).text
    : rawText;
  // A resumed or fine-tuned run keeps the tokenizer of the run it continues; a new
  // one builds it here (BPE learns its merges from the training part of the text only).
  const tokenizerSource = resumeDir ?? initDir;
  const trainChars = text.length - Math.floor(text.length * cfg.data.val_fraction);
  const tokenizer = tokenizerSource
    ? await loadTokenizer(join(tokenizerSource, "tokenizer.json"))
    : await languageModelTokenizer(cfg.tokenizer, text, text.slice(0, trainChars), log);
  const { name: modelName, ...modelKeys } = cfg.model;
  const modelConfig = resolveModelConfig(modelName, { ...modelKeys, vocab_size: tokenizer.vocabSize });
  const T = modelConfig.block_size as number;
  const ids = tokenizer.encodeIds(text);
  const { train, val } = splitTail(ids, cfg.data.val_fraction);
  // Characters per token over the validation split: val loss / this = nats per character.
  const valCharsPerToken = _codePoints(tokenizer.decode(val)) / Math.max(1, val.length);
  const prompt = tokenizer.encodeIds(cfg.sample.prompt);
  const evalTrain = evenBatches(train, B, T, tc.eval_batches);
  const evalVal = evenBatches(val, B, T, tc.eval_batches);
  const baselines = {
    unigram_val_loss: ngramLoss(train, val, tokenizer.vocabSize, 1, 0.01),
    bigram_val_loss: ngramLoss(train, val, tokenizer.vocabSize, 2, 0.01),
  };

  // Where the weights and loop state come from: a checkpoint of this run
  // (resume), another run's best checkpoint (init_from), or a fresh init.
  const warn = (m: string) => log(m);
  let resumed: (CheckpointData & CheckpointInfo) | null = null;
  let model: LanguageModel;
  const initRng = Rng.stream(cfg.seed, "init");
  if (resumeDir) {
    resumed = await new CheckpointManager(join(resumeDir, "checkpoints")).loadLatest(warn);
    if (!resumed) throw new Error(`Cannot resume run ${resumeDir}: it has no checkpoint that passes verification`);
    model = buildModel(modelName, modelConfig, initRng, { tensors: resumed.weights, source: resumed.path });
  } else if (hfInit) {
    const pretrained = await loadPretrained(cfg.init_from);
    try {
      model = buildModel(modelName, modelConfig, initRng, { tensors: getWeights(pretrained), source: cfg.init_from });
    } finally {
      pretrained.dispose();
    }
    log(`Initialised weights from the pretrained folder ${cfg.init_from}`);
  } else if (initDir) {
    const mgr = new CheckpointManager(join(initDir, "checkpoints"));
    const src = (await mgr.loadBest()) ?? (await mgr.loadLatest(warn));
    if (!src) throw new Error(`Cannot initialise from ${initDir}: it has no checkpoint that passes verification`);
    model = buildModel(modelName, modelConfig, initRng, { tensors: src.weights, source: src.path });
    log(`Initialised weights from ${src.path}`);
  } else {
    model = buildModel(modelName, modelConfig, initRng);
  }
  // LoRA: adapters on the chosen layers, the base frozen; only the adapters train.
  let lora: Lora | null = null;
  // The workers hold plain models, so LoRA runs on the main thread only.
  const workers = cfg.lora.r > 0 ? 1 : tc.workers;
  if (workers < tc.workers) log(`LoRA trains on one core (train.workers=${tc.workers} is ignored)`);
  if (cfg.lora.r > 0) {
    lora = Lora.apply(model, {
      r: cfg.lora.r,
      alpha: cfg.lora.alpha,
      dropout: cfg.lora.dropout,
      targets: cfg.lora.targets.split(",").map((t) => t.trim()),
    }, Rng.stream(cfg.seed, "lora"));
    if (resumed) {
      for (const [name, v] of lora.params()) {
        const t = resumed.weights.get(name);
        if (!t) throw new TypeError(`Cannot resume: ${resumed.path} has no LoRA tensor ${name}`);
        tf.tidy(() => v.assign(tf.tensor(t.data, v.shape)));
      }
    }
  }
  const trainable = lora ? lora.params() : model.params;
  const optimizer = createOptimizer(trainable, tc);
  const dropoutBase = Rng.stream(cfg.seed, "dropout").nextU32();
  let batchRng = Rng.stream(cfg.seed, "batches");
  let step = 0, tokensSeen = 0, bestVal = Infinity, evalsSinceBest = 0;
  if (resumed) {
    const st = resumed.state as unknown as LoopState;
    optimizer.loadState(resumed.optimizer, st.optimizer_steps);
    batchRng = Rng.fromState(st.rng.batches);
    step = resumed.step;
    tokensSeen = st.tokens_seen;
    bestVal = st.best_val_loss;
    evalsSinceBest = st.evals_since_best ?? 0;
  }
  const resumedFrom = step;

  const hash = await configHash(cfg);
  const yaml = configToYaml(cfg);
  let run: Run;
  if (resumeDir) {
    const r = await Run.resume(resumeDir, step, {
      configYaml: yaml,
      configHash: hash,
      tensorboard: cfg.tracking.tensorboard,
    });
    run = r.run;
    run.event("resume", step, `resumed from ${resumed!.name}`, {
      checkpoint: resumed!.name,
      dropped_records: r.dropped,
      changed_keys: changed,
    });
  } else {
    run = await Run.create({
      outDir: cfg.out_dir,
      name: cfg.name,
      configHash: hash,
      configYaml: yaml,
      seed: cfg.seed,
      backend: backend.name,
      versions: { deno: Deno.version.deno, tfjs: backend.tfjsVersion, codex: "0.1.0" },
      parent: initDir ? JSON.parse(await Deno.readTextFile(join(initDir, "run.json"))).run_id : null,
      sweepId: options.sweepId ?? null,
      tensorboard: cfg.tracking.tensorboard,
    });
  }
  // Replicas on the other cores (train.workers - 1 of them), if asked for.
  let parallel: DataParallel;
  try {
    parallel = await DataParallel.start(workers, modelName, modelConfig, backend.name);
  } catch (err) {
    await run.end("failed", (err as Error).message);
    throw err;
  }
  const ckpt = new CheckpointManager(join(run.dir, "checkpoints"), {
    keepLast: tc.keep_last,
    keepBest: tc.keep_best,
    metric: "val_loss",
    mode: "min",
  });
  const sampler = new SystemSampler(run.id);
  try {
    await writeJsonAtomic(join(run.dir, "tokenizer.json"), tokenizer.toJSON());
    if (!resumeDir) {
      run.event("start", 0, `training ${cfg.model.name} on ${cfg.data.name}`, {
        num_params: model.countParams(),
        vocab_size: tokenizer.vocabSize,
        train_tokens: train.length,
        val_tokens: val.length,
        baselines,
      });
    }
    for (const e of safetyEvents) run.event("safety", 0, e.rule_id, { ...e, run_id: run.id });
    callbacks.onTrainStart?.({
      runId: run.id,
      dir: run.dir,
      numParams: model.countParams(),
      vocabSize: tokenizer.vocabSize,
      resumedFrom,
      backend: backend.name,
      backendReason: backend.reason,
      trackers: run.trackers,
    });

    let lastVal = NaN, trainMs = 0, modelMs = 0, lastSample = -Infinity, lastCheckpointStep = resumedFrom;
    let bestCheckpoint: string | null = null, stopReason: TrainResult["stop_reason"] = "max_steps";
    const recent: number[] = [];
    const epochOf = () => tokensSeen / train.length;

    // Periodic evaluations use the same eval_batches windows each time; the
    // last one passes over every window of the validation split.
    const evaluate = (full: boolean) => {
      const valBatches = full ? allWindows(val, evalWindowsPerBatch(T, tokenizer.vocabSize, 4 * B), T) : evalVal;
      // LoRA adapters live outside the native graph: evaluate those through tfjs.
      const native = lora ? null : parallel.native;
      const valLoss = meanLoss(model, valBatches, native);
      const trainLoss = meanLoss(model, evalTrain, native);
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
      if (valLoss < bestVal) [bestVal, evalsSinceBest] = [valLoss, 0];
      else evalsSinceBest++;
      callbacks.onEvalEnd?.({ step, valLoss, full });
      return valLoss;
    };
    const checkpoint = async (valLoss: number) => {
      const state: LoopState = {
        epoch: epochOf(),
        tokens_seen: tokensSeen,
        rng: { batches: batchRng.state() },
        optimizer_steps: optimizer.t,
        val_loss: valLoss,
        best_val_loss: bestVal,
        evals_since_best: evalsSinceBest,
        config_hash: hash,
      };
      const info = await ckpt.save(step, {
        weights: new Map(
          [...model.params, ...(lora?.params() ?? [])].map((
            [k, v],
          ) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }]),
        ),
        optimizer: optimizer.stateTensors(),
        state: state as unknown as Record<string, unknown>,
        configYaml: yaml,
      });
      lastCheckpointStep = step;
      run.event("checkpoint", step, info.name, { path: info.path, val_loss: valLoss });
      run.flush(); // the records on disk now cover every step the checkpoint does
      callbacks.onCheckpoint?.({ step, path: info.path });
    };

    while (step < tc.max_steps) {
      const ts = performance.now();
      // Let a pending Ctrl-C (or other abort) be seen between steps.
      await new Promise((r) => setTimeout(r, 0));
      if (signal?.aborted) {
        stopReason = signal.reason instanceof TrialPruned ? "pruned" : "interrupted";
        if (signal.reason instanceof TrialPruned) run.event("pruned", step, signal.reason.message, signal.reason.data);
        break;
      }
      // 1. learning rate for this step
      const lr = learningRate(step, {
        kind: tc.schedule,
        lr: tc.lr,
        minLr: tc.min_lr,
        warmupSteps: tc.warmup_steps,
        totalSteps: tc.max_steps,
      });
      // 2. forward + backward over grad_accum_steps micro-batches, gradients averaged
      const batches = Array.from({ length: tc.grad_accum_steps }, () => randomBatch(train, B, T, batchRng));
      const tm = performance.now();
      const grads: Record<string, tf.Tensor> = {};
      let loss = 0;
      for (const [i, b] of batches.entries()) {
        const seed = dropoutBase + (step * tc.grad_accum_steps + i) * 8192;
        lora?.setDropoutSeed(seed + 4096);
        const r = await parallel.gradients(model, b, 1 / tc.grad_accum_steps, seed, [...trainable.values()]);
        loss += r.loss;
        accumulateGradients(grads, r.grads);
      }
      // A NaN or infinite loss stops before it can touch the weights.
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        const last = (await ckpt.list()).at(-1)?.name ?? "none";
        throw new Error(
          `Training diverged: loss is ${loss} at step ${step + 1}; the last good checkpoint is ${last}`,
        );
      }
      // 3. clip (folded into the update as a gradient scale), 4. step
      const gradNorm = gradientNorm(grads);
      optimizer.step(grads, lr, clipScale(gradNorm, tc.grad_clip));
      tf.dispose(Object.values(grads));
      modelMs += performance.now() - tm;
      step++;
      tokensSeen += B * T * tc.grad_accum_steps;
      recent.push(loss);
      if (recent.length > tc.log_interval) recent.shift();
      // 5. log
      const row = { step, epoch: epochOf(), tokens_seen: tokensSeen, split: "train" };
      run.metric({ ...row, metric: "loss", value: loss });
      run.metric({ ...row, metric: "lr", value: lr });
      run.metric({ ...row, metric: "grad_norm", value: gradNorm });
      trainMs += performance.now() - ts;
      const tokensPerSec = (tokensSeen - resumedFrom * B * T * tc.grad_accum_steps) / (trainMs / 1000);
      if (step % tc.log_interval === 0) run.metric({ ...row, metric: "tokens_per_sec", value: tokensPerSec });
      if (performance.now() - lastSample >= 2000) {
        run.system(sampler.sample(step));
        lastSample = performance.now();
      }
      callbacks.onStepEnd?.({
        step,
        maxSteps: tc.max_steps,
        loss,
        lr,
        gradNorm: gradNorm,
        tokensPerSec,
        elapsedMs: performance.now() - t0,
        etaMs: (trainMs / (step - resumedFrom)) * (tc.max_steps - step) * 1.05,
      });
      // 6. evaluate and checkpoint when due; stop early if val loss stalls
      if (step % tc.eval_interval === 0 || step === tc.max_steps) {
        await checkpoint(evaluate(step === tc.max_steps));
        if (tc.early_stopping_patience > 0 && evalsSinceBest >= tc.early_stopping_patience && step < tc.max_steps) {
          stopReason = "early_stopping";
          log(`Early stopping at step ${step}: no better val loss in ${evalsSinceBest} evaluations`);
          break;
        }
      }
    }

    if (stopReason === "interrupted") {
      log(`Interrupted at step ${step}: writing a final checkpoint`);
      if (step > lastCheckpointStep) await checkpoint(evaluate(false));
    }
    bestCheckpoint = (await ckpt.ranked())[0]?.name ?? null;
    // A sample from the final model.
    const out = generate(model, prompt.length ? prompt : new Int32Array([0]), {
      maxNewTokens: cfg.sample.max_new_tokens,
      temperature: cfg.sample.temperature,
      topK: cfg.sample.top_k,
      rng: Rng.stream(cfg.seed, "sample"),
    });
    let sample = tokenizer.decode(out.subarray(prompt.length ? prompt.length : 1));
    if (cfg.safety.enabled) {
      try {
        sample = (await sanitize(sample, {
          stage: "output",
          ...safetyPolicy,
          runId: run.id,
          onEvent: (e) => run.event("safety", step, e.rule_id, { ...e }),
        })).text;
      } catch (err) {
        if (!(err instanceof SafetyViolation)) throw err;
        sample = `[blocked by the safety policy: ${err.ruleIds.join(", ")}]`;
      }
    }
    run.sample({
      step,
      prompt: cfg.sample.prompt,
      text: sample,
      seed: cfg.seed,
      temperature: cfg.sample.temperature,
      top_k: cfg.sample.top_k,
    });
    const status = stopReason === "interrupted" || stopReason === "pruned" ? stopReason : "finished";
    const result: TrainResult = {
      run_id: run.id,
      dir: run.dir,
      status,
      stop_reason: stopReason,
      steps: step,
      resumed_from_step: resumedFrom,
      tokens_seen: tokensSeen,
      final_train_loss: recent.length ? recent.reduce((a, c) => a + c, 0) / recent.length : NaN,
      final_val_loss: lastVal,
      final_val_nats_per_char: lastVal / valCharsPerToken,
      val_chars_per_token: valCharsPerToken,
      best_val_loss: bestVal,
      best_checkpoint: bestCheckpoint,
      tokens_per_sec: trainMs > 0 ? (tokensSeen - resumedFrom * B * T * tc.grad_accum_steps) / (trainMs / 1000) : 0,
      loop_overhead_pct: trainMs > 0 ? Math.round(10000 * (1 - modelMs / trainMs)) / 100 : 0,
      train_time_s: trainMs / 1000,
      wall_time_s: (performance.now() - t0) / 1000,
      num_params: model.countParams(),
      vocab_size: tokenizer.vocabSize,
      baselines,
      sample,
    };
    if (lora) await lora.save(join(run.dir, "adapters"));
    await run.writeSummary({ ...result });
    run.event("end", step, stopReason, { final_val_loss: lastVal, wall_time_s: result.wall_time_s });
    await run.end(status);
    callbacks.onTrainEnd?.(result);
    return result;
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    try {
      run.event("error", step, msg, {});
    } finally {
      await run.end("failed", msg);
    }
    throw err;
  } finally {
    await sampler.stop(); // no nvidia-smi query outlives the run
    parallel.close();
    lora?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

function _codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++; // string iteration goes by code point
  return n;
}
