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
