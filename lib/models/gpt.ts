/**
 * A GPT-2-style decoder-only transformer, in one readable file (after
 * nanoGPT): token + position embeddings, pre-LayerNorm blocks of causal
 * self-attention and a GELU MLP, a final LayerNorm and a head tied to the
 * token embedding. Parameter names and layouts follow Hugging Face's GPT-2
 * (`h.0.attn.c_attn.weight` is `[n_embd, 3 * n_embd]`, used as `x @ W`).
 *
 * @module
 */
import { bmm, linear, matMul, matMulT, oneHot, tf, transposeLast } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { AdaptableModel, DecoderCache, DecoderStep, LanguageModel, LinearAdapter } from "./model.ts";
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
 * A GPT's {@linkcode DecoderCache}: per layer, the keys and values of every
 * position fed so far, `[batch, n_head, length, n_embd / n_head]` (none
 * while `length` is 0). Made by {@linkcode Gpt.startCache} and
 * {@linkcode Gpt.step}; only the model that made it can step it.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * import { Gpt } from "./gpt.ts";
 * await initBackend("cpu");
 * const model = Gpt.create({ vocab_size: 10, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0 }, new Rng(1));
 * const empty = model.startCache(1);
 * const { logits, cache } = model.step(new Int32Array([1, 2, 3]), empty);
 * if (cache.keys.length !== 2) throw new Error("one K per layer");
 * if (cache.keys[0]!.shape.join() !== "1,2,3,8") throw new Error(`K is ${cache.keys[0]!.shape}`);
 * logits.dispose();
 * empty.dispose();
 * cache.dispose();
 * model.dispose();
 * ```
 */
export class GptCache implements DecoderCache {
  /** The model that made it. */
  readonly model: Gpt;
  /** Sequences (rows) it holds. */
  readonly batch: number;
  /** Positions fed so far: the position of the next token. */
  readonly length: number;
  /** Keys per layer, `[batch, n_head, length, head_dim]`. */
  readonly keys: readonly tf.Tensor4D[];
  /** Values per layer, `[batch, n_head, length, head_dim]`. */
  readonly values: readonly tf.Tensor4D[];
  #disposed = false;

  /** A cache over `keys` and `values` (it takes them over: they are kept out of any `tf.tidy`). */
  constructor(model: Gpt, batch: number, length: number, keys: tf.Tensor4D[], values: tf.Tensor4D[]) {
    this.model = model;
    this.batch = batch;
    this.length = length;
    this.keys = keys.map((t) => tf.keep(t));
    this.values = values.map((t) => tf.keep(t));
  }

  /** Whether {@linkcode GptCache.dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Releases the keys and values (a second call does nothing). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    tf.dispose([...this.keys, ...this.values]);
  }
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
    return matMulT(x, this.#p("wte.weight") as tf.Tensor2D);
  }

  loss(idx: Int32Array, targets: Int32Array, B: number, T: number, training = false): tf.Scalar {
    return tf.tidy(() => {
      const logits = this.logits(idx, B, T, training);
      const y = oneHot(tf.tensor1d(targets, "int32"), this.config.vocab_size);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), y), -1))) as tf.Scalar;
    });
  }

  /**
   * An empty KV cache for `batch` sequences, for {@linkcode Gpt.step}.
   *
   * @example
   * ```ts
   * import { Rng } from "../random/mod.ts";
   * import { Gpt } from "./gpt.ts";
   * const model = Gpt.create({ vocab_size: 10, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 }, new Rng(1));
   * const cache = model.startCache(2);
   * if (cache.batch !== 2 || cache.length !== 0) throw new Error("empty cache for two rows");
   * cache.dispose();
   * model.dispose();
   * ```
   */
  startCache(batch: number): GptCache {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new RangeError(`Cannot start gpt cache: batch must be a positive integer (got ${batch})`);
    }
    return new GptCache(this, batch, 0, [], []);
  }

  /**
   * Feeds `ids` (`[batch, time]` row-major) at positions `cache.length ..
   * cache.length + time - 1`, attending to the cached keys and values, and
   * returns the last position's logits `[batch, vocab]` with a new cache
   * (`cache` is left as it was). The logits equal those of
   * {@linkcode Gpt.logits} over the whole sequence (within float error);
   * a token fed one at a time costs one position, not the whole context.
   * Inference only (no dropout).
   *
   * @example
   * ```ts
   * import { initBackend, tf } from "../backend/mod.ts";
   * import { Rng } from "../random/mod.ts";
   * import { Gpt } from "./gpt.ts";
   * await initBackend("cpu");
   * const model = Gpt.create({ vocab_size: 10, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 }, new Rng(1));
   * const c0 = model.startCache(1);
   * const a = model.step(new Int32Array([4, 5]), c0);
   * const b = model.step(new Int32Array([6]), a.cache);
   * const full = tf.tidy(() => model.logits(new Int32Array([4, 5, 6]), 1, 3).slice([2, 0], [1, -1]));
   * const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(full, b.logits))).dataSync()[0]!);
   * if (diff > 1e-5) throw new Error(`cached logits differ by ${diff}`);
   * tf.dispose([a.logits, b.logits, full]);
   * for (const c of [c0, a.cache, b.cache]) c.dispose();
   * model.dispose();
   * ```
   */
  step(ids: Int32Array, cache: DecoderCache): DecoderStep & { cache: GptCache } {
    const { block_size, n_embd: C, n_layer, vocab_size } = this.config;
    if (!(cache instanceof GptCache) || cache.model !== this) {
      throw new TypeError("Cannot step gpt: the cache was not made by this model (use its startCache)");
    }
    if (cache.disposed) throw new TypeError("Cannot step gpt: the cache has been disposed");
    const B = cache.batch, L = cache.length;
    if (ids.length === 0 || ids.length % B !== 0) {
      throw new TypeError(`Cannot step gpt: expected a positive multiple of batch ${B} token ids (got ${ids.length})`);
    }
    const T = ids.length / B;
    if (L + T > block_size) {
      throw new RangeError(`Cannot step gpt: ${L} cached and ${T} new positions exceed block_size ${block_size}`);
    }
    const bad = ids.findIndex((id) => id < 0 || id >= vocab_size);
    if (bad >= 0) {
      throw new RangeError(`Cannot step gpt: token id ${ids[bad]} is outside the vocabulary (${vocab_size})`);
    }
    const out = tf.tidy(() => {
      const wte = this.#p("wte.weight") as tf.Tensor2D;
      const tok = tf.gather(wte, tf.tensor1d(ids, "int32"));
      const pos = tf.slice(this.#p("wpe.weight"), [L, 0], [T, C]);
      let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [B * T, C]) as tf.Tensor2D;
      const keys: tf.Tensor4D[] = [], values: tf.Tensor4D[] = [];
      for (let i = 0; i < n_layer; i++) {
        const h = `h.${i}`;
        const [y, k, v] = this.#cachedAttention(this.#layerNorm(x, h + ".ln_1"), B, T, h + ".attn", cache, i);
        x = tf.add(x, y);
        x = tf.add(x, this.#mlp(this.#layerNorm(x, h + ".ln_2"), h + ".mlp", false));
        keys.push(k);
        values.push(v);
      }
      // Only the last position of each row goes through the head.
      const last = T === 1 ? x : tf.reshape(tf.slice(tf.reshape(x, [B, T, C]), [0, T - 1, 0], [B, 1, C]), [B, C]);
      const xn = this.#layerNorm(last as tf.Tensor2D, "ln_f");
      // wte @ x^T, then a transpose of the small result: no transposed copy of wte (154 MB for gpt2).
      const logits = tf.transpose(matMul(wte, tf.transpose(xn) as tf.Tensor2D)) as tf.Tensor2D;
      return { logits, keys, values };
    });
    return { logits: out.logits, cache: new GptCache(this, B, L + T, out.keys, out.values) };
  }

  /** Causal self-attention of `T` new positions over the cached ones and themselves; also returns the grown K and V. */
  #cachedAttention(
    x: tf.Tensor2D,
    B: number,
    T: number,
    prefix: string,
    cache: GptCache,
    layer: number,
  ): [tf.Tensor2D, tf.Tensor4D, tf.Tensor4D] {
    const { n_head: H, n_embd: C } = this.config;
    const hd = C / H, L = cache.length, S = L + T;
    const qkv = this.#linear(x, prefix + ".c_attn", false);
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    const [q, kNew, vNew] = tf.split(qkv, 3, 1).map(heads) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const k = L === 0 ? kNew : tf.concat([cache.keys[layer]!, kNew], 2);
    const v = L === 0 ? vNew : tf.concat([cache.values[layer]!, vNew], 2);
    let y: tf.Tensor4D; // [B, H, T, hd]
    if (T === 1) {
      // One query: products and sums instead of bmm, which on wasm runs one small product per head (~4x slower here).
      const att = tf.softmax(tf.mul(tf.reshape(tf.sum(tf.mul(q, k), -1), [B, H, 1, S]), 1 / Math.sqrt(hd)));
      y = tf.reshape(tf.sum(tf.mul(tf.reshape(att, [B, H, S, 1]), v), 2), [B, H, 1, hd]);
    } else {
      // New position i (absolute L + i) sees keys 0 .. L + i; the rest get -1e9, as in logits().
      const mask = new Float32Array(T * S);
      for (let i = 0; i < T; i++) mask.fill(-1e9, i * S + L + i + 1, (i + 1) * S);
      const att = tf.add(tf.mul(bmm(q, transposeLast(k)), 1 / Math.sqrt(hd)), tf.tensor(mask, [1, 1, T, S]));
      y = bmm(tf.softmax(att) as tf.Tensor4D, v);
    }
    const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T, C]) as tf.Tensor2D;
    return [this.#linear(merged, prefix + ".c_proj", false), k, v];
  }

  /** Releases the model's tensors. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const m of this.#masks.values()) m.dispose();
    this.#masks.clear();
  }
}
