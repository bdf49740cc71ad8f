/**
 * A GPT-2-style decoder-only transformer, in one readable file (after
 * nanoGPT): token + position embeddings, pre-LayerNorm blocks of causal
 * self-attention and a GELU MLP, a final LayerNorm and a head tied to the
 * token embedding. Parameter names and layouts follow Hugging Face's GPT-2
 * (`h.0.attn.c_attn.weight` is `[n_embd, 3 * n_embd]`, used as `x @ W`).
 *
 * @module
 */
import { bmm, linear, matMul, oneHot, tf, transposeLast } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { AdaptableModel, LanguageModel, LinearAdapter } from "./model.ts";
import { countValues, paramVariables } from "./weights.ts";

/** The shape of a GPT. */
export type GptConfig = {
  /** Number of token ids. */
  vocab_size: number;
  /** Longest context, in tokens. */
  block_size: number;
  /** Transformer blocks. */
  n_layer: number;
  /** Attention heads; must divide `n_embd`. */
  n_head: number;
  /** Width of the residual stream. */
  n_embd: number;
  /** Dropout rate during training (0 turns it off). */
  dropout: number;
};

/** Checks a config and says what is wrong with it. */
export function validateGptConfig(c: GptConfig): void {
  for (const k of ["vocab_size", "block_size", "n_layer", "n_head", "n_embd"] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) {
      throw new RangeError(`Cannot build gpt: model.${k} must be a positive integer (got ${c[k]})`);
    }
  }
  if (c.n_embd % c.n_head !== 0) {
    throw new RangeError(
      `Cannot build gpt: model.n_head must divide model.n_embd (got ${c.n_head} and ${c.n_embd})`,
    );
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new RangeError(`Cannot build gpt: model.dropout must be in [0, 1) (got ${c.dropout})`);
  }
}

/** The parameter names and shapes of a GPT, in order (Hugging Face names). */
export function gptParamShapes(c: GptConfig): [string, number[]][] {
  const C = c.n_embd;
  const out: [string, number[]][] = [["wte.weight", [c.vocab_size, C]], ["wpe.weight", [c.block_size, C]]];
  for (let i = 0; i < c.n_layer; i++) {
    const h = `h.${i}.`;
    out.push(
      [h + "ln_1.weight", [C]],
      [h + "ln_1.bias", [C]],
      [h + "attn.c_attn.weight", [C, 3 * C]],
      [h + "attn.c_attn.bias", [3 * C]],
      [h + "attn.c_proj.weight", [C, C]],
      [h + "attn.c_proj.bias", [C]],
      [h + "ln_2.weight", [C]],
      [h + "ln_2.bias", [C]],
      [h + "mlp.c_fc.weight", [C, 4 * C]],
      [h + "mlp.c_fc.bias", [4 * C]],
      [h + "mlp.c_proj.weight", [4 * C, C]],
      [h + "mlp.c_proj.bias", [C]],
    );
  }
  out.push(["ln_f.weight", [C]], ["ln_f.bias", [C]]);
  return out;
}

/**
 * Initial values as GPT-2 draws them: N(0, 0.02) weights, residual
 * projections scaled by 1/sqrt(2 * n_layer), zero biases, unit LayerNorm gains.
 * Drawn in JS from `rng`, so every backend starts from the same numbers.
 */
export function initGptWeights(c: GptConfig, rng: Rng): Map<string, Float32Array> {
  const w = new Map<string, Float32Array>();
  for (const [name, shape] of gptParamShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (name.includes("ln_") && name.endsWith(".weight")) w.set(name, new Float32Array(n).fill(1));
    else if (name.endsWith(".bias")) w.set(name, new Float32Array(n));
    else {
      const std = name.endsWith("c_proj.weight") ? 0.02 / Math.sqrt(2 * c.n_layer) : 0.02;
      w.set(name, rng.normalArray(n, std));
    }
  }
  return w;
}

/**
 * The GPT itself. Activations stay 2-D (`[batch * time, n_embd]`) between
 * blocks so the dense layers run as plain matrix products.
 *
 * @example
 * ```ts ignore
 * import { Gpt } from "./gpt.ts";
 * import { Rng } from "../random/mod.ts";
 * const cfg = { vocab_size: 10, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 };
 * const model = Gpt.create(cfg, new Rng(1));
 * const idx = new Int32Array([1, 2, 3, 4]);
 * model.loss(idx, idx, 1, 4).print();
 * ```
 */
export class Gpt implements LanguageModel, AdaptableModel {
  readonly family = "gpt";
  readonly linearLayout = "in_out";
  readonly config: GptConfig;
  readonly params: Map<string, tf.Variable>;
  #masks = new Map<number, tf.Tensor>();
  #adapters = new Map<string, LinearAdapter>();
  #dropoutSeed = 0;

  constructor(config: GptConfig, weights: Map<string, Float32Array>) {
    validateGptConfig(config);
    this.config = {
      vocab_size: config.vocab_size,
      block_size: config.block_size,
      n_layer: config.n_layer,
      n_head: config.n_head,
      n_embd: config.n_embd,
      dropout: config.dropout,
    };
    this.params = paramVariables("gpt", gptParamShapes(config), weights);
  }

  /** A freshly initialised model (see {@linkcode initGptWeights}). */
  static create(config: GptConfig, rng: Rng): Gpt {
    validateGptConfig(config);
    return new Gpt(config, initGptWeights(config, rng));
  }

  /** Number of trainable parameters (the head is tied to `wte`, so counted once). */
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

  #mask(T: number): tf.Tensor {
    let m = this.#masks.get(T);
    if (!m) {
      const data = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
      m = tf.keep(tf.tensor(data, [1, 1, T, T]));
      this.#masks.set(T, m);
    }
    return m;
  }

  #layerNorm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const mean = tf.mean(x, -1, true);
    const xc = tf.sub(x, mean);
    const variance = tf.mean(tf.square(xc), -1, true);
    const xn = tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(xn, this.#p(prefix + ".weight")), this.#p(prefix + ".bias"));
  }

  #linear(x: tf.Tensor2D, prefix: string, training: boolean): tf.Tensor2D {
    const y = linear(x, this.#p(prefix + ".weight") as tf.Tensor2D, this.#p(prefix + ".bias") as tf.Tensor1D);
    const adapter = this.#adapters.get(prefix);
    return adapter ? tf.add(y, adapter.delta(x, training)) : y;
  }

  #dropout<T extends tf.Tensor>(x: T, training: boolean): T {
    const rate = this.config.dropout;
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, this.#dropoutSeed++) as T;
  }

  /** The dense layers adapters can wrap: `h.0.attn.c_attn`, `h.0.attn.c_proj`, `h.0.mlp.c_fc`, `h.0.mlp.c_proj`, ... */
  linearLayers(): string[] {
    return [...this.params.keys()].filter((k) => /\.(c_attn|c_proj|c_fc)\.weight$/.test(k)).map((k) => k.slice(0, -7));
  }

  /** Adds (or, with null, removes) an adapter on a dense layer's output. */
  setAdapter(layer: string, adapter: LinearAdapter | null): void {
    if (!this.linearLayers().includes(layer)) {
      throw new RangeError(`Cannot adapt gpt: no dense layer "${layer}" (layers look like h.0.attn.c_attn)`);
    }
    if (adapter) this.#adapters.set(layer, adapter);
    else this.#adapters.delete(layer);
  }

  #attention(x: tf.Tensor2D, B: number, T: number, prefix: string, training: boolean): tf.Tensor2D {
    const { n_head: H, n_embd: C } = this.config;
    const hd = C / H;
    const qkv = this.#linear(x, prefix + ".c_attn", training);
    // [B*T, 3C] -> three [B, H, T, hd]. (4-D transposes are fast on wasm; a
    // single 5-D one is ~100x slower.)
    const [q, k, v] = tf.split(qkv, 3, 1).map((t) => tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3])) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
    let att = tf.mul(bmm(q, transposeLast(k)), 1 / Math.sqrt(hd));
    att = tf.softmax(tf.add(att, this.#mask(T)));
    att = this.#dropout(att, training);
    const y = bmm(att, v); // [B, H, T, hd]
    const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T, C]) as tf.Tensor2D;
    return this.#dropout(this.#linear(merged, prefix + ".c_proj", training), training);
  }

  #mlp(x: tf.Tensor2D, prefix: string, training: boolean): tf.Tensor2D {
    const h = this.#linear(x, prefix + ".c_fc", training);
    // GELU, tanh approximation (as GPT-2): 0.5 h (1 + tanh(u)) = h sigmoid(2u),
    // u = sqrt(2/pi) (h + 0.044715 h^3). sigmoid is ~15x faster than tanh on wasm.
    const u = tf.mul(tf.add(h, tf.mul(tf.mul(tf.mul(h, h), h), 0.044715)), 2 * Math.sqrt(2 / Math.PI));
    const g = tf.mul(h, tf.sigmoid(u));
    return this.#dropout(this.#linear(g as tf.Tensor2D, prefix + ".c_proj", training), training);
  }

  logits(idx: Int32Array, B: number, T: number, training = false): tf.Tensor2D {
    const { block_size, n_embd: C, n_layer } = this.config;
    if (T > block_size) {
      throw new RangeError(`Cannot run gpt: sequence length ${T} exceeds block_size ${block_size}`);
    }
    if (idx.length !== B * T) {
      throw new TypeError(`Cannot run gpt: expected ${B * T} token ids for [${B}, ${T}] (got ${idx.length})`);
    }
    const ids = tf.tensor1d(idx, "int32");
    const tok = tf.gather(this.#p("wte.weight"), ids);
    const pos = tf.slice(this.#p("wpe.weight"), [0, 0], [T, C]);
    let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [B * T, C]) as tf.Tensor2D;
    x = this.#dropout(x, training);
    for (let i = 0; i < n_layer; i++) {
      const h = `h.${i}`;
      x = tf.add(x, this.#attention(this.#layerNorm(x, h + ".ln_1"), B, T, h + ".attn", training));
      x = tf.add(x, this.#mlp(this.#layerNorm(x, h + ".ln_2"), h + ".mlp", training));
    }
    x = this.#layerNorm(x, "ln_f");
    return matMul(x, tf.transpose(this.#p("wte.weight")) as tf.Tensor2D);
  }

  loss(idx: Int32Array, targets: Int32Array, B: number, T: number, training = false): tf.Scalar {
    return tf.tidy(() => {
      const logits = this.logits(idx, B, T, training);
      const y = oneHot(tf.tensor1d(targets, "int32"), this.config.vocab_size);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), y), -1))) as tf.Scalar;
    });
  }

  /** Releases the model's tensors. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const m of this.#masks.values()) m.dispose();
    this.#masks.clear();
  }
}
