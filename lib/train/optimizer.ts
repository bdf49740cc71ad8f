/**
 * What the training loop needs of an optimizer, and the factory that picks
 * one from the config.
 *
 * @module
 */
import type { tf } from "../backend/mod.ts";
import type { NamedTensor } from "../models/mod.ts";
import { AdamW } from "./adamw.ts";
import { Sgd } from "./sgd.ts";

/** An optimizer whose whole state can be saved and restored exactly. */
export interface Optimizer {
  /** Steps taken. */
  t: number;
  /** Applies one update with learning rate `lr`, the gradients first multiplied by `gradScale` (default 1). */
  step(grads: Record<string, tf.Tensor>, lr: number, gradScale?: number): void;
  /** Its state as named tensors (for `optimizer.safetensors`). */
  stateTensors(): Map<string, NamedTensor>;
  /** Restores the state and step count. */
  loadState(tensors: Map<string, NamedTensor>, t: number): void;
  /** Releases its tensors. */
  dispose(): void;
}

/** The optimizer settings of a run config. */
export interface OptimizerConfig {
  optimizer: "adamw" | "sgd";
  beta1: number;
  beta2: number;
  eps: number;
  momentum: number;
  weight_decay: number;
}

/** Builds the configured optimizer over `params`. */
export function createOptimizer(params: Map<string, tf.Variable>, c: OptimizerConfig): Optimizer {
  return c.optimizer === "sgd"
    ? new Sgd(params, { momentum: c.momentum, weightDecay: c.weight_decay })
    : new AdamW(params, { beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weight_decay });
}
