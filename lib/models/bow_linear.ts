/**
 * A bag-of-words logistic-regression baseline for classification: each
 * example's token ids become term frequencies over the vocabulary (counts
 * divided by the example's length, padding ignored), and one dense layer maps
 * them to class logits. Softmax cross-entropy with L2 left to the optimizer's
 * weight decay.
 *
 * @module
 */
import { linear, namedVariable, oneHot, tf } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { ClassificationModel, EncoderBatch } from "./model.ts";

/** The shape of a bag-of-words classifier. */
export type BowLinearConfig = {
  /** Number of token ids. */
  vocab_size: number;
  /** Number of classes. */
  num_labels: number;
};

/**
 * Bag-of-words logistic regression.
 *
 * @example
 * ```ts ignore
 * const m = BowLinear.create({ vocab_size: 1000, num_labels: 2 }, new Rng(1));
 * ```
 */
export class BowLinear implements ClassificationModel {
  readonly family = "bow-linear";
  readonly config: BowLinearConfig;
  readonly params: Map<string, tf.Variable>;

  /** A model with the given weights (`[vocab_size, num_labels]` and `[num_labels]`), zeros without. */
  constructor(config: BowLinearConfig, weights?: { weight: Float32Array; bias: Float32Array }) {
    for (const k of ["vocab_size", "num_labels"] as const) {
      if (!Number.isInteger(config[k]) || config[k] < (k === "num_labels" ? 2 : 1)) {
        throw new RangeError(
          `Cannot build bow-linear: ${k} must be an integer >= ${k === "num_labels" ? 2 : 1} (got ${config[k]})`,
        );
      }
    }
    this.config = { vocab_size: config.vocab_size, num_labels: config.num_labels };
    const { vocab_size: V, num_labels: K } = config;
    this.params = new Map([
      [
        "classifier.weight",
        namedVariable(tf.tensor(weights?.weight ?? new Float32Array(V * K), [V, K]), "classifier.weight"),
      ],
      ["classifier.bias", namedVariable(tf.tensor(weights?.bias ?? new Float32Array(K), [K]), "classifier.bias")],
    ]);
  }

  /** Weights N(0, 0.01), bias zero. */
  static create(config: BowLinearConfig, rng: Rng): BowLinear {
    return new BowLinear(config, {
      weight: rng.normalArray(config.vocab_size * config.num_labels, 0.01),
      bias: new Float32Array(config.num_labels),
    });
  }

  /** Number of trainable values. */
  countParams(): number {
    return this.config.vocab_size * this.config.num_labels + this.config.num_labels;
  }

  /** Part of the interface; the model has no dropout. */
  setDropoutSeed(_seed: number): void {
    // Nothing to seed: a bag-of-words linear model draws no dropout masks.
  }

  /** Term frequencies `[batch, vocab]` of a padded batch (built in JS: no gradient flows into the input). */
  features(input: EncoderBatch): tf.Tensor2D {
    const { ids, mask, batch: B, time: T } = input;
    const V = this.config.vocab_size;
    if (ids.length !== B * T || mask.length !== B * T) {
      throw new TypeError(
        `Cannot run bow-linear: expected ${
          B * T
        } token ids and mask values for [${B}, ${T}] (got ${ids.length} and ${mask.length})`,
      );
    }
    const tf_ = new Float32Array(B * V);
    for (let b = 0; b < B; b++) {
      let n = 0;
      for (let t = 0; t < T; t++) {
        if (!mask[b * T + t]) continue;
        const id = ids[b * T + t]!;
        if (id < 0 || id >= V) {
          throw new RangeError(`Cannot run bow-linear: token id ${id} is outside the vocabulary (${V})`);
        }
        tf_[b * V + id]!++;
        n++;
      }
      if (n > 0) { for (let v = 0; v < V; v++) tf_[b * V + v]! /= n; }
    }
    return tf.tensor2d(tf_, [B, V]);
  }

  /** Class logits `[batch, num_labels]`. */
  logits(input: EncoderBatch): tf.Tensor2D {
    return tf.tidy(() =>
      linear(
        this.features(input),
        this.params.get("classifier.weight")! as tf.Tensor2D,
        this.params.get("classifier.bias")! as tf.Tensor1D,
      )
    );
  }

  /** Mean cross-entropy of `labels` (one per row). */
  loss(input: EncoderBatch, labels: Int32Array): tf.Scalar {
    return tf.tidy(() => {
      const y = oneHot(tf.tensor1d(labels, "int32"), this.config.num_labels);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(this.logits(input)), y), -1))) as tf.Scalar;
    });
  }

  /** Releases the model's tensors. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
