/**
 * The GPT of `gpt.ts` as one ONNX graph: the forward pass, and for training
 * the backward pass derived by hand (as llm.c does for GPT-2 in C), so a
 * whole forward + backward is one ONNX Runtime call instead of ~600 tfjs
 * ops. Parameter inputs carry the Hugging Face names of `gptParamShapes`;
 * gradient outputs are `grad:<name>`.
 *
 * Shapes are static (one graph per batch and length), so ONNX Runtime plans
 * its memory once. The backward follows the forward in reverse; each
 * derivation is written beside its code.
 *
 * @module
 */
import { type Dim, f, OnnxGraph } from "../backend/mod.ts";
import { type GptConfig, gptParamShapes } from "./gpt.ts";

/** What to build. */
export interface GptGraphOptions {
  /** Rows per call. */
  batch: number;
  /** Tokens per row (at most `block_size`). */
  time: number;
  /** `loss` (mean cross-entropy, times the `scale` input), `logits` (`[B*T, V]`), or `train` (loss and gradients). */
  mode: "loss" | "logits" | "train";
  /**
   * Weights to embed as initializers (by their `gptParamShapes` names)
   * instead of taking them as inputs: a self-contained model, as exported.
   */
  weights?: ReadonlyMap<string, Float32Array>;
  /**
   * How ids come in and logits go out (`logits` mode only). `flat`
   * (default): `idx` `[B*T]` -> `logits` `[B*T, V]`. `batched`: `input_ids`
   * `[batch, time]` -> `logits` `[batch, time, V]`, with standard ONNX ops
   * only (no `com.microsoft` kernels).
   */
  io?: "flat" | "batched";
  /**
   * With `io: "batched"`, the axes sized at run time: `none` (default),
   * `batch` (axis `batch` symbolic, `time` fixed), or `both` (axes `batch`
   * and `sequence`: any length up to `block_size`; `time` then only checks
   * the build).
   */
  dynamic?: "none" | "batch" | "both";
}

interface LayerNormSaved {
  x: string;
  y: string;
  mean: string;
  inv: string;
  prefix: string;
}
interface BlockSaved {
  prefix: string;
  ln1: LayerNormSaved;
  ln2: LayerNormSaved;
  q: string;
  k: string;
  v: string;
  p: string;
  merged: string;
  h: string;
  hh: string;
  th: string;
  g: string;
}

const GELU_C = 0.044715;
const SQRT_2_PI = Math.sqrt(2 / Math.PI);

/** The causal mask: 0 on and below the diagonal, -1e9 above (as `gpt.ts`). */
function causalMask(T: number): Float32Array {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return m;
}

class GptGraphBuilder {
  readonly g: OnnxGraph;
  readonly c: GptConfig;
  readonly B: number;
  readonly T: number;
  readonly N: number;
  readonly hd: number;
  /** Standard ops only (the batched and dynamic forms). */
  readonly portable: boolean;
  /** Dynamic forms: the `[batch, sequence]` shape of the ids and (if it varies) the sequence length, both int64. */
  #dyn: { bt: string; t: string | null } | null = null;
  #mask: string | null = null;

  constructor(c: GptConfig, o: GptGraphOptions) {
    this.c = c;
    this.B = o.batch;
    this.T = o.time;
    this.N = o.batch * o.time;
    this.hd = c.n_embd / c.n_head;
    this.portable = (o.io ?? "flat") !== "flat";
    const b = o.dynamic === "batch" || o.dynamic === "both" ? "batch" : o.batch;
    this.g = new OnnxGraph(`gpt_${o.mode}_${b}x${o.dynamic === "both" ? "sequence" : o.time}`);
    for (const [name, shape] of gptParamShapes(c)) {
      const w = o.weights?.get(name);
      if (o.weights && !w) throw new TypeError(`Cannot build the gpt graph: no weight ${name} among the weights given`);
      if (w) {
        const size = shape.reduce((a, b) => a * b, 1);
        if (w.length !== size) {
          throw new TypeError(
            `Cannot build the gpt graph: ${name} has ${w.length} values, expected ${size} ([${shape.join(", ")}])`,
          );
        }
        this.g.initializer(name, { type: "float", dims: shape, data: w });
      } else this.g.input(name, "float", shape);
    }
  }

  /** Makes the graph's shapes follow the ids' `[batch, sequence]` at run time (the length too if `time`). */
  setDynamic(ids: string, time: boolean): void {
    const bt = this.g.op("Shape", [ids]);
    this.#dyn = { bt, t: time ? this.g.op("Slice", [bt, this.g.ints([1]), this.g.ints([2]), this.g.ints([0])]) : null };
  }

  /** `[B, T, ...tail]` as an int64 shape (computed from the ids in the dynamic form). */
  shapeBT(tail: number[]): string {
    const d = this.#dyn;
    return d ? this.g.op("Concat", [d.bt, this.g.ints(tail)], { axis: 0 }) : this.g.ints([this.B, this.T, ...tail]);
  }

  /** `[B*T, width]` as an int64 shape. */
  shapeN(width: number): string {
    return this.g.ints([this.#dyn ? -1 : this.N, width]);
  }

  /** The causal mask `[T, T]` (one initializer per graph; the dynamic form slices a `block_size` one). */
  mask(): string {
    if (this.#mask) return this.#mask;
    const g = this.g, d = this.#dyn;
    if (!d?.t) return this.#mask = g.constant({ type: "float", dims: [this.T, this.T], data: causalMask(this.T) });
    const bs = this.c.block_size;
    const full = g.constant({ type: "float", dims: [bs, bs], data: causalMask(bs) });
    const tt = g.op("Concat", [d.t, d.t], { axis: 0 });
    return this.#mask = g.op("Slice", [full, g.ints([0, 0]), tt, g.ints([0, 1])]);
  }

  /** `alpha * a @ b^T` over the last two axes. */
  matMulT(a: string, b: string, alpha: number): string {
    const g = this.g;
    if (!this.portable) return g.op("FusedMatMul", [a, b], { transB: 1, alpha: f(alpha) }, "com.microsoft");
    return g.op("Mul", [g.op("MatMul", [a, g.op("Transpose", [b], { perm: [0, 1, 3, 2] })]), g.scalar(alpha)]);
  }

  sum0(x: string): string {
    return this.g.op("ReduceSum", [x, this.g.ints([0])], { keepdims: 0 });
  }

  layerNorm(x: string, prefix: string): LayerNormSaved {
    const [y, mean, inv] = this.g.opN("LayerNormalization", [x, prefix + ".weight", prefix + ".bias"], 3, {
      axis: -1,
      epsilon: f(1e-5),
    });
    return { x, y: y!, mean: mean!, inv: inv!, prefix };
  }

  gelu(h: string): { g: string; hh: string; th: string } {
    // 0.5 h (1 + tanh(u)), u = sqrt(2/pi) (h + 0.044715 h^3)
    const g = this.g;
    const hh = g.op("Mul", [h, h]);
    const u = g.op("Mul", [h, g.op("Add", [g.op("Mul", [hh, g.scalar(GELU_C * SQRT_2_PI)]), g.scalar(SQRT_2_PI)])]);
    const th = g.op("Tanh", [u]);
    const out = g.op("Mul", [g.op("Mul", [h, g.scalar(0.5)]), g.op("Add", [th, g.scalar(1)])]);
    return { g: out, hh, th };
  }

  block(x: string, i: number): { x: string; saved: BlockSaved } {
    const { g, hd } = this;
    const { n_head: H, n_embd: C } = this.c;
    const p = `h.${i}`;
    const ln1 = this.layerNorm(x, p + ".ln_1");
    const qkv = g.op("Gemm", [ln1.y, p + ".attn.c_attn.weight", p + ".attn.c_attn.bias"]);
    // [N, 3C] -> [B, T, 3, H, hd] -> [3, B, H, T, hd] -> q, k, v as [B, H, T, hd]
    const qkv5 = g.op("Transpose", [g.op("Reshape", [qkv, this.shapeBT([3, H, hd])])], { perm: [2, 0, 3, 1, 4] });
    const [q, k, v] = g.opN("Split", [qkv5], 3, { axis: 0 }).map((t) => g.op("Squeeze", [t, g.ints([0])])) as [
      string,
      string,
      string,
    ];
    const s = this.matMulT(q, k, 1 / Math.sqrt(hd));
    const prob = g.op("Softmax", [g.op("Add", [s, this.mask()])], { axis: -1 });
    const y = g.op("MatMul", [prob, v]);
    const merged = g.op("Reshape", [g.op("Transpose", [y], { perm: [0, 2, 1, 3] }), this.shapeN(C)]);
    const a = g.op("Gemm", [merged, p + ".attn.c_proj.weight", p + ".attn.c_proj.bias"]);
    const x1 = g.op("Add", [x, a]);
    const ln2 = this.layerNorm(x1, p + ".ln_2");
    const h = g.op("Gemm", [ln2.y, p + ".mlp.c_fc.weight", p + ".mlp.c_fc.bias"]);
    const gl = this.gelu(h);
    const m = g.op("Gemm", [gl.g, p + ".mlp.c_proj.weight", p + ".mlp.c_proj.bias"]);
    const x2 = g.op("Add", [x1, m]);
    return { x: x2, saved: { prefix: p, ln1, ln2, q, k, v, p: prob, merged, h, hh: gl.hh, th: gl.th, g: gl.g } };
  }

  forward(idx: string): { logits: string; lnf: LayerNormSaved; blocks: BlockSaved[] } {
    const { g, T } = this;
    const C = this.c.n_embd;
    // Flat ids give [B*T, C] rows; batched ids already give [B, T, C].
    const tok = g.op("Gather", ["wte.weight", idx], { axis: 0 });
    const pos = g.op("Slice", ["wpe.weight", g.ints([0]), this.#dyn?.t ?? g.ints([T]), g.ints([0])]);
    const tok3 = this.portable ? tok : g.op("Reshape", [tok, this.shapeBT([C])]);
    let x = g.op("Reshape", [g.op("Add", [tok3, pos]), this.shapeN(C)]);
    const blocks: BlockSaved[] = [];
    for (let i = 0; i < this.c.n_layer; i++) {
      const r = this.block(x, i);
      x = r.x;
      blocks.push(r.saved);
    }
    const lnf = this.layerNorm(x, "ln_f");
    const logits = g.op("Gemm", [lnf.y, "wte.weight"], { transB: 1 });
    return { logits, lnf, blocks };
  }

  /** dL/dx of a LayerNorm, and its gain and bias gradients (written to outputs). */
  layerNormBack(dy: string, s: LayerNormSaved, grads: Map<string, string>): string {
    // xhat = (x - mean) inv; y = xhat g + b
    // dx = inv (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = dy g
    const g = this.g;
    const xhat = g.op("Mul", [g.op("Sub", [s.x, s.mean]), s.inv]);
    grads.set(s.prefix + ".weight", this.sum0(g.op("Mul", [dy, xhat])));
    grads.set(s.prefix + ".bias", this.sum0(dy));
    const dxh = g.op("Mul", [dy, s.prefix + ".weight"]);
    const a = g.op("ReduceMean", [dxh], { axes: [-1], keepdims: 1 });
    const b = g.op("ReduceMean", [g.op("Mul", [dxh, xhat])], { axes: [-1], keepdims: 1 });
    return g.op("Mul", [g.op("Sub", [g.op("Sub", [dxh, a]), g.op("Mul", [xhat, b])]), s.inv]);
  }

  /** Gradients of `y = x @ W + b`: dW = x^T dy, db = sum(dy), returns dx = dy W^T. */
  linearBack(dy: string, x: string, prefix: string, grads: Map<string, string>): string {
    const g = this.g;
    grads.set(prefix + ".weight", g.op("Gemm", [x, dy], { transA: 1 }));
    grads.set(prefix + ".bias", this.sum0(dy));
    return g.op("Gemm", [dy, prefix + ".weight"], { transB: 1 });
  }

  geluBack(dg: string, s: BlockSaved): string {
    // d/dh [0.5 h (1 + th)] = 0.5 (1 + th) + 0.5 h (1 - th^2) sqrt(2/pi) (1 + 3 * 0.044715 h^2)
    const g = this.g;
    const du = g.op("Add", [g.op("Mul", [s.hh, g.scalar(3 * GELU_C * SQRT_2_PI)]), g.scalar(SQRT_2_PI)]);
    const sech2 = g.op("Sub", [g.scalar(1), g.op("Mul", [s.th, s.th])]);
    const t2 = g.op("Mul", [g.op("Mul", [g.op("Mul", [s.h, g.scalar(0.5)]), sech2]), du]);
    const t1 = g.op("Mul", [g.op("Add", [s.th, g.scalar(1)]), g.scalar(0.5)]);
    return g.op("Mul", [dg, g.op("Add", [t1, t2])]);
  }

  attentionBack(dMerged: string, s: BlockSaved): string {
    const { g, B, T, hd } = this;
    const { n_head: H, n_embd: C } = this.c;
    const alpha = f(1 / Math.sqrt(hd));
    const dy = g.op("Transpose", [g.op("Reshape", [dMerged, g.ints([B, T, H, hd])])], { perm: [0, 2, 1, 3] });
    // y = P v: dP = dy v^T, dv = P^T dy
    const dp = g.op("FusedMatMul", [dy, s.v], { transB: 1 }, "com.microsoft");
    const dv = g.op("FusedMatMul", [s.p, dy], { transA: 1 }, "com.microsoft");
    // softmax: dS = P (dP - sum(dP P)); the mask's entries have P = 0, so no gradient
    const rowDot = g.op("ReduceSum", [g.op("Mul", [dp, s.p]), g.ints([-1])], { keepdims: 1 });
    const ds = g.op("Mul", [s.p, g.op("Sub", [dp, rowDot])]);
    // S = alpha q k^T: dq = alpha dS k, dk = alpha dS^T q
    const dq = g.op("FusedMatMul", [ds, s.k], { alpha }, "com.microsoft");
    const dk = g.op("FusedMatMul", [ds, s.q], { transA: 1, alpha }, "com.microsoft");
    const axis0 = g.ints([0]);
    const d5 = g.op("Concat", [dq, dk, dv].map((t) => g.op("Unsqueeze", [t, axis0])), { axis: 0 });
    return g.op("Reshape", [g.op("Transpose", [d5], { perm: [1, 3, 0, 2, 4] }), g.ints([B * T, 3 * C])]);
  }

  backward(
    idx: string,
    targets: string,
    scale: string,
    fwd: { logits: string; lnf: LayerNormSaved; blocks: BlockSaved[] },
    logProb: string,
  ): Map<string, string> {
    const { g, N, T } = this;
    const { vocab_size: V, n_embd: C, block_size } = this.c;
    const grads = new Map<string, string>();
    // mean cross-entropy: dlogits = (softmax - onehot) * scale / N
    const onehot = g.op("OneHot", [targets, g.ints([V]), g.constant({ type: "float", dims: [2], data: [0, 1] })], {
      axis: -1,
    });
    const k = g.op("Div", [scale, g.scalar(N)]);
    const dlogits = g.op("Mul", [g.op("Sub", [g.op("Exp", [logProb]), onehot]), k]);
    // logits = lnf W^T (tied head): dW = dlogits^T lnf, dlnf = dlogits W
    const dwteHead = g.op("Gemm", [dlogits, fwd.lnf.y], { transA: 1 });
    let dx = this.layerNormBack(g.op("MatMul", [dlogits, "wte.weight"]), fwd.lnf, grads);
    for (const s of [...fwd.blocks].reverse()) {
      const p = s.prefix;
      const dg = this.linearBack(dx, s.g, p + ".mlp.c_proj", grads);
      const dh = this.geluBack(dg, s);
      const dln2 = this.linearBack(dh, s.ln2.y, p + ".mlp.c_fc", grads);
      dx = g.op("Add", [dx, this.layerNormBack(dln2, s.ln2, grads)]);
      const dMerged = this.linearBack(dx, s.merged, p + ".attn.c_proj", grads);
      const dqkv = this.attentionBack(dMerged, s);
      const dln1 = this.linearBack(dqkv, s.ln1.y, p + ".attn.c_attn", grads);
      dx = g.op("Add", [dx, this.layerNormBack(dln1, s.ln1, grads)]);
    }
    // embeddings: positions sum over the batch; tokens scatter-add into the head's gradient
    let dwpe = this.sum0(g.op("Reshape", [dx, g.ints([this.B, T, C])]));
    if (T < block_size) dwpe = g.op("Pad", [dwpe, g.ints([0, 0, block_size - T, 0])]);
    grads.set("wpe.weight", dwpe);
    const rows = g.op("Unsqueeze", [idx, g.ints([1])]);
    grads.set("wte.weight", g.op("ScatterND", [dwteHead, rows, dx], { reduction: "add" }));
    return grads;
  }
}

/**
 * Builds the ONNX graph of a GPT for one batch shape. Inputs: every
 * parameter by name (unless `weights` embeds them), `idx` (int64 `[B*T]`),
 * and for `loss`/`train` also `targets` (int64 `[B*T]`) and `scale` (float
 * scalar: the loss and its gradients are multiplied by it). Outputs:
 * `loss`, `logits`, and in `train` mode `grad:<name>` for every parameter.
 * With `io: "batched"` (logits mode), the input is `input_ids` (int64
 * `[batch, time]`) and the output `logits` (`[batch, time, V]`), as Hugging
 * Face's exported models name them; `dynamic` makes the batch axis, or both
 * axes, symbolic.
 *
 * @example
 * ```ts
 * import { buildGptGraph } from "./gpt_graph.ts";
 * const cfg = { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 };
 * const g = buildGptGraph(cfg, { batch: 2, time: 8, mode: "train" });
 * // the loss, then a gradient for each of the 16 parameters (2 embeddings, 12 per block, 2 of ln_f)
 * if (g.outputs.length !== 1 + 16) throw new Error(`unexpected outputs ${g.outputs}`);
 * ```
 *
 * @example A self-contained model with dynamic axes, as `deno task export` writes
 * ```ts
 * import { buildGptGraph } from "./gpt_graph.ts";
 * import { gptParamShapes } from "./gpt.ts";
 * const cfg = { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 };
 * const weights = new Map(gptParamShapes(cfg).map(([n, s]) => [n, new Float32Array(s.reduce((a, b) => a * b))]));
 * const g = buildGptGraph(cfg, { batch: 1, time: 8, mode: "logits", io: "batched", dynamic: "both", weights });
 * if (g.inputs.join() !== "input_ids" || g.outputs.join() !== "logits") throw new Error(`${g.inputs} -> ${g.outputs}`);
 * ```
 */
export function buildGptGraph(
  c: GptConfig,
  o: GptGraphOptions,
): { model: Uint8Array; inputs: string[]; outputs: string[] } {
  if (o.time > c.block_size || o.time < 1 || o.batch < 1) {
    throw new RangeError(`Cannot build the gpt graph: batch ${o.batch} x time ${o.time} (block_size ${c.block_size})`);
  }
  const io = o.io ?? "flat", dynamic = o.dynamic ?? "none";
  if (io !== "flat" && o.mode !== "logits") {
    throw new TypeError(`Cannot build the gpt graph: io "${io}" needs mode "logits" (got "${o.mode}")`);
  }
  if (dynamic !== "none" && io !== "batched") {
    throw new TypeError(`Cannot build the gpt graph: dynamic "${dynamic}" needs io "batched" (got "${io}")`);
  }
  const b = new GptGraphBuilder(c, o);
  const { g, N } = b;
  const V = c.vocab_size;
  const params = o.weights ? [] : gptParamShapes(c).map(([n]) => n);
  if (io !== "flat") {
    const dims: Dim[] = [dynamic === "none" ? o.batch : "batch", dynamic === "both" ? "sequence" : o.time];
    const ids = g.input("input_ids", "int64", dims);
    if (dynamic !== "none") b.setDynamic(ids, dynamic === "both");
    const logits = g.op("Reshape", [b.forward(ids).logits, b.shapeBT([V])]);
    g.output(logits, "logits", "float", [...dims, V]);
    return { model: g.encode(), inputs: [...params, "input_ids"], outputs: ["logits"] };
  }
  const idx = g.input("idx", "int64", [N]);
  const fwd = b.forward(idx);
  const inputs = [...params, "idx"];
  if (o.mode === "logits") {
    g.output(fwd.logits, "logits", "float", [N, V]);
    return { model: g.encode(), inputs, outputs: ["logits"] };
  }
  const targets = g.input("targets", "int64", [N]);
  const scale = g.input("scale", "float", []);
  inputs.push("targets", "scale");
  const [ce, logProb] = g.opN("SoftmaxCrossEntropyLoss", [fwd.logits, targets], 2, { reduction: "mean" });
  g.output(g.op("Mul", [ce!, scale]), "loss", "float", []);
  const outputs = ["loss"];
  if (o.mode === "train") {
    const grads = b.backward(idx, targets, scale, fwd, logProb!);
    for (const [name, shape] of gptParamShapes(c)) {
      g.output(grads.get(name)!, `grad:${name}`, "float", shape);
      outputs.push(`grad:${name}`);
    }
  }
  return { model: g.encode(), inputs, outputs };
}
