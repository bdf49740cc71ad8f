/**
 * A BERT-style encoder with a classification head (MiniLM's shape by
 * default), in Hugging Face's names and PyTorch's `[out, in]` Linear layout,
 * so `all-MiniLM-L6-v2`'s `model.safetensors` loads by name: word, position
 * and token-type embeddings with LayerNorm; post-LayerNorm blocks of masked
 * self-attention and an erf-GELU feed-forward; a tanh pooler on the first
 * token; a linear classifier.
 *
 * @module
 */
import { bmm, linearT, oneHot, tf, transposeLast } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { AdaptableModel, ClassificationModel, EncoderBatch, LinearAdapter } from "./model.ts";
import { countValues, paramVariables } from "./weights.ts";

/** BertConfig's keys (the subset codex uses). */
export type BertConfig = {
  /** Number of token ids. */
  vocab_size: number;
  /** Width of the hidden states. */
  hidden_size: number;
  /** Encoder layers. */
  num_hidden_layers: number;
  /** Attention heads; must divide `hidden_size`. */
  num_attention_heads: number;
  /** Width of the feed-forward layer. */
  intermediate_size: number;
  /** Longest input, in tokens. */
  max_position_embeddings: number;
  /** Token-type (segment) embeddings; codex feeds type 0. */
  type_vocab_size: number;
  /** LayerNorm epsilon (BERT: 1e-12). */
  layer_norm_eps: number;
  /** Dropout on hidden states and attention during training. */
  dropout: number;
  /** Classes of the classification head. */
  num_labels: number;
};

const _sizes = [
  "vocab_size",
  "hidden_size",
  "num_hidden_layers",
  "num_attention_heads",
  "intermediate_size",
  "max_position_embeddings",
  "type_vocab_size",
] as const;

/** Checks a config and says what is wrong with it. */
export function validateBertConfig(c: BertConfig): void {
  for (const k of _sizes) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) {
      throw new RangeError(`Cannot build bert: ${k} must be a positive integer (got ${c[k]})`);
    }
  }
  if (!Number.isInteger(c.num_labels) || c.num_labels < 2) {
    throw new RangeError(`Cannot build bert: num_labels must be an integer >= 2 (got ${c.num_labels})`);
  }
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new RangeError(
      `Cannot build bert: num_attention_heads must divide hidden_size (got ${c.num_attention_heads} and ${c.hidden_size})`,
    );
  }
  if (!(c.layer_norm_eps > 0)) {
    throw new RangeError(`Cannot build bert: layer_norm_eps must be positive (got ${c.layer_norm_eps})`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new RangeError(`Cannot build bert: dropout must be in [0, 1) (got ${c.dropout})`);
  }
}

/** Parameter names (Hugging Face's) and shapes, in order. */
export function bertParamShapes(c: BertConfig): [string, number[]][] {
  const H = c.hidden_size, I = c.intermediate_size;
  const out: [string, number[]][] = [
    ["embeddings.word_embeddings.weight", [c.vocab_size, H]],
    ["embeddings.position_embeddings.weight", [c.max_position_embeddings, H]],
    ["embeddings.token_type_embeddings.weight", [c.type_vocab_size, H]],
    ["embeddings.LayerNorm.weight", [H]],
    ["embeddings.LayerNorm.bias", [H]],
  ];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}.`;
    for (const n of ["query", "key", "value"]) {
      out.push([`${p}attention.self.${n}.weight`, [H, H]], [`${p}attention.self.${n}.bias`, [H]]);
    }
    out.push(
      [`${p}attention.output.dense.weight`, [H, H]],
      [`${p}attention.output.dense.bias`, [H]],
      [`${p}attention.output.LayerNorm.weight`, [H]],
      [`${p}attention.output.LayerNorm.bias`, [H]],
      [`${p}intermediate.dense.weight`, [I, H]],
      [`${p}intermediate.dense.bias`, [I]],
      [`${p}output.dense.weight`, [H, I]],
      [`${p}output.dense.bias`, [H]],
      [`${p}output.LayerNorm.weight`, [H]],
      [`${p}output.LayerNorm.bias`, [H]],
    );
  }
  out.push(
    ["pooler.dense.weight", [H, H]],
    ["pooler.dense.bias", [H]],
    ["classifier.weight", [c.num_labels, H]],
    ["classifier.bias", [c.num_labels]],
  );
  return out;
}

/**
 * The encoder with its classification head. Activations stay 2-D
 * (`[batch * time, hidden]`) so every dense layer is one plain product.
 *
 * @example
 * ```ts ignore
 * import { Bert } from "./bert.ts";
 * import { Rng } from "../random/mod.ts";
 * const model = Bert.create({
 *   vocab_size: 50, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64,
 *   max_position_embeddings: 16, type_vocab_size: 2, layer_norm_eps: 1e-12, dropout: 0, num_labels: 2,
 * }, new Rng(1));
 * const input = { ids: new Int32Array([2, 7, 9, 0]), mask: new Int32Array([1, 1, 1, 0]), batch: 1, time: 4 };
 * model.logits(input).print(); // [1, 2]
 * ```
 */
export class Bert implements ClassificationModel, AdaptableModel {
  readonly family = "bert";
  readonly linearLayout = "out_in";
  #adapters = new Map<string, LinearAdapter>();
  readonly config: BertConfig;
  readonly params: Map<string, tf.Variable>;
  #dropoutSeed = 0;

  /** A model with the given weights (every name of {@linkcode bertParamShapes}, row-major). */
  constructor(config: BertConfig, weights: Map<string, Float32Array>) {
    validateBertConfig(config);
    this.params = paramVariables("bert", bertParamShapes(config), weights);
    this.config = { ...config };
  }

  /** BERT's init: N(0, 0.02) weights, zero biases, unit LayerNorm gains. */
  static create(config: BertConfig, rng: Rng): Bert {
    validateBertConfig(config);
    const w = new Map<string, Float32Array>();
    for (const [name, shape] of bertParamShapes(config)) {
      const n = shape.reduce((a, b) => a * b, 1);
      if (name.includes("LayerNorm.weight")) w.set(name, new Float32Array(n).fill(1));
      else if (name.endsWith(".bias")) w.set(name, new Float32Array(n));
      else w.set(name, rng.normalArray(n, 0.02));
    }
    return new Bert(config, w);
  }

  /** Number of trainable values. */
  countParams(): number {
    return countValues(this.params);
  }

  /** Sets the seed stream for dropout masks (so resumed runs replay them). */
  setDropoutSeed(seed: number): void {
    this.#dropoutSeed = seed;
  }

  #p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  #dense(x: tf.Tensor2D, prefix: string, training = false): tf.Tensor2D {
    const y = linearT(x, this.#p(`${prefix}.weight`) as tf.Tensor2D, this.#p(`${prefix}.bias`) as tf.Tensor1D);
    const adapter = this.#adapters.get(prefix);
    return adapter ? tf.add(y, adapter.delta(x, training)) as tf.Tensor2D : y;
  }

  /** The dense layers adapters can wrap (`encoder.layer.0.attention.self.query`, ...). */
  linearLayers(): string[] {
    return [...this.params.keys()].filter((k) =>
      k.startsWith("encoder.") && k.endsWith(".weight") && !k.includes("LayerNorm")
    )
      .map((k) => k.slice(0, -7));
  }

  /** Adds (or, with null, removes) an adapter on a dense layer's output. */
  setAdapter(layer: string, adapter: LinearAdapter | null): void {
    if (!this.linearLayers().includes(layer)) {
      throw new RangeError(
        `Cannot adapt bert: no dense layer "${layer}" (layers look like encoder.layer.0.attention.self.query)`,
      );
    }
    if (adapter) this.#adapters.set(layer, adapter);
    else this.#adapters.delete(layer);
  }

  #layerNorm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const mean = tf.mean(x, -1, true);
    const xc = tf.sub(x, mean);
    const variance = tf.mean(tf.square(xc), -1, true);
    const xn = tf.mul(xc, tf.rsqrt(tf.add(variance, this.config.layer_norm_eps)));
    return tf.add(tf.mul(xn, this.#p(`${prefix}.weight`)), this.#p(`${prefix}.bias`)) as tf.Tensor2D;
  }

  #dropout<T extends tf.Tensor>(x: T, training: boolean): T {
    const rate = this.config.dropout;
    return training && rate > 0 ? tf.dropout(x, rate, undefined, this.#dropoutSeed++) as T : x;
  }

  /** The last hidden states `[batch * time, hidden]` (Hugging Face's `last_hidden_state`, flattened). */
  encode(input: EncoderBatch, training = false): tf.Tensor2D {
    const { ids, mask, batch: B, time: T } = input;
    const { hidden_size: H, num_attention_heads: nh, num_hidden_layers: L, max_position_embeddings } = this.config;
    if (T > max_position_embeddings) {
      throw new RangeError(
        `Cannot run bert: sequence length ${T} exceeds max_position_embeddings ${max_position_embeddings}`,
      );
    }
    if (ids.length !== B * T || mask.length !== B * T) {
      throw new TypeError(
        `Cannot run bert: expected ${
          B * T
        } token ids and mask values for [${B}, ${T}] (got ${ids.length} and ${mask.length})`,
      );
    }
    const bad = ids.findIndex((id) => id < 0 || id >= this.config.vocab_size);
    if (bad >= 0) {
      throw new RangeError(
        `Cannot run bert: token id ${ids[bad]} is outside the vocabulary (vocab_size ${this.config.vocab_size})`,
      );
    }
    const hd = H / nh;
    const word = tf.gather(this.#p("embeddings.word_embeddings.weight"), tf.tensor1d(ids, "int32"));
    const pos = tf.slice(this.#p("embeddings.position_embeddings.weight"), [0, 0], [T, H]);
    const type0 = tf.slice(this.#p("embeddings.token_type_embeddings.weight"), [0, 0], [1, H]);
    let x = tf.reshape(tf.add(tf.add(tf.reshape(word, [B, T, H]), pos), type0), [B * T, H]) as tf.Tensor2D;
    x = this.#dropout(this.#layerNorm(x, "embeddings.LayerNorm"), training);
    // Padding positions get -1e9 before the softmax, so no token attends to them.
    const maskAdd = tf.reshape(tf.mul(tf.sub(1, tf.tensor1d(Float32Array.from(mask))), -1e9), [B, 1, 1, T]);
    const heads = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [B, T, nh, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    for (let i = 0; i < L; i++) {
      const p = `encoder.layer.${i}`;
      const q = heads(this.#dense(x, `${p}.attention.self.query`, training));
      const k = heads(this.#dense(x, `${p}.attention.self.key`, training));
      const v = heads(this.#dense(x, `${p}.attention.self.value`, training));
      let att = tf.add(tf.mul(bmm(q, transposeLast(k)), 1 / Math.sqrt(hd)), maskAdd);
      att = this.#dropout(tf.softmax(att), training);
      const ctx = tf.reshape(tf.transpose(bmm(att as tf.Tensor4D, v), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D;
      const a = this.#dropout(this.#dense(ctx, `${p}.attention.output.dense`, training), training);
      x = this.#layerNorm(tf.add(a, x) as tf.Tensor2D, `${p}.attention.output.LayerNorm`);
      const inter = this.#dense(x, `${p}.intermediate.dense`, training);
      const gelu = tf.mul(tf.mul(inter, 0.5), tf.add(tf.erf(tf.mul(inter, Math.SQRT1_2)), 1)) as tf.Tensor2D;
      const o = this.#dropout(this.#dense(gelu, `${p}.output.dense`, training), training);
      x = this.#layerNorm(tf.add(o, x) as tf.Tensor2D, `${p}.output.LayerNorm`);
    }
    return x;
  }

  /** The pooler's output `[batch, hidden]`: tanh of a dense layer on each row's first token (`pooler_output`). */
  pooled(input: EncoderBatch, training = false): tf.Tensor2D {
    const { batch: B, time: T } = input;
    const H = this.config.hidden_size;
    const hidden = this.encode(input, training);
    const first = tf.reshape(tf.slice(tf.reshape(hidden, [B, T, H]), [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
    return tf.tanh(this.#dense(first, "pooler.dense")) as tf.Tensor2D;
  }

  /** Class logits `[batch, num_labels]`: the classifier on the (dropped-out) pooled output. */
  logits(input: EncoderBatch, training = false): tf.Tensor2D {
    return this.#dense(this.#dropout(this.pooled(input, training), training), "classifier");
  }

  /** Mean cross-entropy of `labels` (one per row). */
  loss(input: EncoderBatch, labels: Int32Array, training = false): tf.Scalar {
    return tf.tidy(() => {
      const y = oneHot(tf.tensor1d(labels, "int32"), this.config.num_labels);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(this.logits(input, training)), y), -1))) as tf.Scalar;
    });
  }

  /** Releases the model's tensors. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
