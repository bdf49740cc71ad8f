/**
 * What every codex model is: named trainable tensors (Hugging Face names
 * where the architecture has them), an architecture config, and a parameter
 * count. Language models and classifiers add their forward passes.
 *
 * @module
 */
import type { tf } from "../backend/mod.ts";

/** A model's architecture config: plain JSON values. */
export type ModelConfig = Record<string, number | string | boolean>;

/** Any model in the registry. */
export interface Model {
  /** Architecture family (`gpt`, `bert`, `lstm`, `bow-linear`, or a user's). */
  readonly family: string;
  /** The architecture config it was built with. */
  readonly config: ModelConfig;
  /** Parameters by name, in a stable order. */
  readonly params: Map<string, tf.Variable>;
  /** Number of trainable values (tied tensors counted once). */
  countParams(): number;
  /** Releases its tensors. */
  dispose(): void;
}

/** A model that scores next tokens: what the LM trainer and the generator need. */
export interface LanguageModel extends Model {
  readonly config: ModelConfig & { vocab_size: number; block_size: number };
  /** Logits `[batch * time, vocab]` for token ids `[batch, time]`. */
  logits(idx: Int32Array, batch: number, time: number, training?: boolean): tf.Tensor2D;
  /** Mean cross-entropy (nats) of `targets` under the model. */
  loss(idx: Int32Array, targets: Int32Array, batch: number, time: number, training?: boolean): tf.Scalar;
  /** Seeds dropout masks (the trainer sets it per step so resumed runs replay them). */
  setDropoutSeed(seed: number): void;
  /**
   * Optional incremental decoding: an empty {@linkcode DecoderCache} for
   * `batch` sequences. Models that have it also have {@linkcode LanguageModel.step};
   * {@linkcode isIncremental} tells.
   */
  startCache?(batch: number): DecoderCache;
  /**
   * Optional incremental decoding: feeds `ids` (`[batch, time]` row-major, at
   * positions `cache.length ..`) through the model and returns the logits of
   * the last position (`[batch, vocab]`) and a new cache that also holds them.
   * Each token costs one position, not the whole context. `cache` itself is
   * left as it was (reuse it for another continuation, or dispose it).
   * Throws a RangeError when `cache.length + time` exceeds `block_size`.
   */
  step?(ids: Int32Array, cache: DecoderCache): DecoderStep;
}

/**
 * What a decoder remembers of the tokens it has been fed: a GPT's per-layer
 * keys and values, an LSTM's hidden and cell states. Its tensors belong to
 * it (an enclosing `tf.tidy` does not release them): call `dispose()` when
 * done with it. Only the model that made a cache can read it, and only
 * while its weights stay as they were.
 */
export interface DecoderCache {
  /** Sequences (rows) it holds. */
  readonly batch: number;
  /** Positions fed so far: the position of the next token. */
  readonly length: number;
  /** Releases its tensors (a second call does nothing). */
  dispose(): void;
}

/** What {@linkcode LanguageModel.step} returns. */
export interface DecoderStep {
  /** Logits `[batch, vocab]` of the last position fed. */
  logits: tf.Tensor2D;
  /** The cache after these tokens (`length` grown by their number); the caller disposes it. */
  cache: DecoderCache;
}

/** A language model with the incremental API ({@linkcode LanguageModel.startCache} and `step`). */
export type IncrementalLanguageModel = LanguageModel & Required<Pick<LanguageModel, "startCache" | "step">>;

/**
 * Whether `m` decodes incrementally (has `startCache` and `step`): every GPT
 * and the char-LSTM do.
 *
 * @example Greedy decoding, one position per token
 * ```ts
 * import { initBackend, tf } from "../backend/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * import { isIncremental } from "./model.ts";
 * import { createModel } from "./registry.ts";
 * await initBackend("cpu");
 * const model = createModel("gpt-nano", { vocab_size: 11, block_size: 8 }, new Rng(1));
 * if (!isIncremental(model)) throw new Error("a GPT has a KV cache");
 * const before = tf.memory().numTensors;
 * let cache = model.startCache(1);
 * let ids = new Int32Array([1, 2, 3]); // the prompt, then one token at a time
 * const out: number[] = [];
 * for (let i = 0; i < 4; i++) {
 *   const { logits, cache: next } = model.step(ids, cache);
 *   const id = tf.tidy(() => logits.argMax(-1).dataSync()[0]!);
 *   logits.dispose();
 *   cache.dispose();
 *   cache = next;
 *   out.push(id);
 *   ids = new Int32Array([id]);
 * }
 * if (cache.length !== 6) throw new Error(`fed 6 positions, cache says ${cache.length}`);
 * cache.dispose();
 * if (tf.memory().numTensors !== before) throw new Error("leaked tensors");
 * model.dispose();
 * ```
 */
export function isIncremental(m: Model): m is IncrementalLanguageModel {
  const lm = m as Partial<LanguageModel>;
  return isLanguageModel(m) && typeof lm.startCache === "function" && typeof lm.step === "function";
}

/** Token ids of a padded batch for an encoder: `[batch, time]`, with 1 where `mask` marks real tokens. */
export interface EncoderBatch {
  ids: Int32Array;
  mask: Int32Array;
  batch: number;
  time: number;
}

/** A model that classifies a padded batch of token ids. */
export interface ClassificationModel extends Model {
  readonly config: ModelConfig & { num_labels: number };
  /** Class logits `[batch, num_labels]`. */
  logits(input: EncoderBatch, training?: boolean): tf.Tensor2D;
  /** Mean cross-entropy of `labels` (one per row). */
  loss(input: EncoderBatch, labels: Int32Array, training?: boolean): tf.Scalar;
  /** Seeds dropout masks. */
  setDropoutSeed(seed: number): void;
}

/** Whether `m` is a language model. */
export function isLanguageModel(m: Model): m is LanguageModel {
  return "loss" in m && typeof m.config.block_size === "number" && typeof m.config.vocab_size === "number" &&
    !("num_labels" in m.config);
}

/** Something added to a dense layer's output: LoRA's `scale * dropout(x) @ A @ B`. */
export interface LinearAdapter {
  /** The term added to `x @ W + b` for input `x` (`[rows, in]`). */
  delta(x: tf.Tensor2D, training: boolean): tf.Tensor2D;
}

/** A model whose dense layers can carry adapters (LoRA). */
export interface AdaptableModel extends Model {
  /** Dense layer names (a layer's weight is `<name>.weight`). */
  linearLayers(): string[];
  /** How dense weights are laid out: GPT-2's Conv1D `[in, out]` or PyTorch Linear's `[out, in]`. */
  readonly linearLayout: "in_out" | "out_in";
  /** Adds or removes the adapter of one layer. */
  setAdapter(layer: string, adapter: LinearAdapter | null): void;
}

/** Whether `m` can carry adapters. */
export function isAdaptable(m: Model): m is AdaptableModel {
  return typeof (m as Partial<AdaptableModel>).linearLayers === "function" &&
    typeof (m as Partial<AdaptableModel>).setAdapter === "function";
}
