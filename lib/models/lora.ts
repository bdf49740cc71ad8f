/**
 * LoRA (Hu et al., 2021): low-rank adapters on chosen dense layers. Each
 * adapted layer computes `x @ W + b + (alpha / r) * dropout(x) @ A @ B` with
 * `A` (`[in, r]`, Kaiming-uniform) and `B` (`[r, out]`, zeros), so training
 * starts from the base model's outputs. The base is frozen; only `A` and `B`
 * train. Adapters save alone in PEFT's layout (`adapter_model.safetensors`,
 * `lora_A.weight` as `[r, in]`, `lora_B.weight` as `[out, r]`, plus
 * `adapter_config.json`), and merge into (or unmerge from) the base weights.
 *
 * @module
 */
import { join } from "node:path";
import { matMul, namedVariable, tf } from "../backend/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import type { Rng } from "../random/mod.ts";
import { type AdaptableModel, isAdaptable, type LinearAdapter, type Model } from "./model.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";

/** Which layers to adapt, and how. */
export interface LoraOptions {
  /** Rank of the update. */
  r: number;
  /** Scale numerator: the update is multiplied by `alpha / r`. */
  alpha: number;
  /** Dropout on the adapter's input during training (0 turns it off). */
  dropout?: number;
  /** Layers whose name contains any of these (`attn.c_attn`) or matches the RegExp. */
  targets: (string | RegExp)[];
}

interface Pair {
  a: tf.Variable;
  b: tf.Variable;
}

function transpose2d(t: NamedTensor): Float32Array {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = t.data[i * cols + j]!;
  return out;
}

/**
 * LoRA adapters attached to a model.
 *
 * @example
 * ```ts ignore
 * import { Lora } from "./lora.ts";
 * const lora = Lora.apply(model, { r: 8, alpha: 16, targets: ["attn.c_attn"] }, rng);
 * // train with tf.variableGrads(f, [...lora.params().values()]) ...
 * await lora.save("artifacts/adapters/run1");
 * lora.merge(); // base weights now include the update
 * ```
 */
export class Lora {
  readonly model: AdaptableModel;
  readonly options: Required<Omit<LoraOptions, "targets">> & { targets: string[] };
  readonly layers: string[];
  #pairs = new Map<string, Pair>();
  #merged = false;
  #seed = 0;

  private constructor(model: AdaptableModel, options: LoraOptions, layers: string[]) {
    this.model = model;
    this.options = {
      r: options.r,
      alpha: options.alpha,
      dropout: options.dropout ?? 0,
      targets: options.targets.map((t) => (t instanceof RegExp ? t.source : t)),
    };
    this.layers = layers;
  }

  /** The layers of `model` that `targets` select. */
  static select(model: Model, targets: (string | RegExp)[]): string[] {
    if (!isAdaptable(model)) throw new TypeError(`Cannot apply LoRA: ${model.family} models have no adaptable layers`);
    const all = model.linearLayers();
    const chosen = all.filter((l) => targets.some((t) => (t instanceof RegExp ? t.test(l) : l.includes(t))));
    if (chosen.length === 0) {
      throw new RangeError(
        `Cannot apply LoRA: no layer matches ${targets.map(String).join(", ")} (layers: ${
          all.slice(0, 6).join(", ")
        }, ...)`,
      );
    }
    return chosen;
  }

  /** Freezes the base model and attaches fresh adapters to the selected layers. */
  static apply(model: Model, options: LoraOptions, rng: Rng): Lora {
    if (!Number.isInteger(options.r) || options.r <= 0) {
      throw new RangeError(`Cannot apply LoRA: r must be a positive integer (got ${options.r})`);
    }
    if (!(options.alpha > 0)) throw new RangeError(`Cannot apply LoRA: alpha must be positive (got ${options.alpha})`);
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) {
      throw new RangeError(`Cannot apply LoRA: dropout must be in [0, 1) (got ${dropout})`);
    }
    const layers = Lora.select(model, options.targets);
    const lora = new Lora(model as AdaptableModel, options, layers);
    for (const p of model.params.values()) p.trainable = false;
    for (const layer of layers) {
      const shape = model.params.get(`${layer}.weight`)!.shape as [number, number];
      const [fanIn, fanOut] = lora.model.linearLayout === "in_out" ? shape : [shape[1], shape[0]];
      // PEFT's init: A ~ Kaiming-uniform (a = sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)); B = 0.
      const bound = 1 / Math.sqrt(fanIn);
      const a = new Float32Array(fanIn * options.r).map(() => (2 * rng.next() - 1) * bound);
      lora.#pairs.set(layer, {
        a: namedVariable(tf.tensor(a, [fanIn, options.r]), `${layer}.lora_A.weight`),
        b: namedVariable(tf.zeros([options.r, fanOut]), `${layer}.lora_B.weight`),
      });
      lora.#attach(layer);
    }
    return lora;
  }

  /** `alpha / r`. */
  get scale(): number {
    return this.options.alpha / this.options.r;
  }

  /** Whether the update is currently merged into the base weights. */
  get merged(): boolean {
    return this.#merged;
  }

  #attach(layer: string): void {
    const pair = this.#pairs.get(layer)!;
    const adapter: LinearAdapter = {
      delta: (x, training) => {
        const rate = this.options.dropout;
        const xin = training && rate > 0 ? tf.dropout(x, rate, undefined, this.#seed++) as tf.Tensor2D : x;
        return tf.mul(matMul(matMul(xin, pair.a as tf.Tensor2D), pair.b as tf.Tensor2D), this.scale) as tf.Tensor2D;
      },
    };
    this.model.setAdapter(layer, adapter);
  }

  /** Seeds adapter dropout (set per step, like the model's). */
  setDropoutSeed(seed: number): void {
    this.#seed = seed;
  }

  /** The trainable adapter tensors, PEFT-named (`h.0.attn.c_attn.lora_A.weight`; ours are `[in, r]`/`[r, out]`). */
  params(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [layer, { a, b }] of this.#pairs) {
      out.set(`${layer}.lora_A.weight`, a);
      out.set(`${layer}.lora_B.weight`, b);
    }
    return out;
  }

  /** Number of adapter values. */
  countParams(): number {
    let n = 0;
    for (const v of this.params().values()) n += v.size;
    return n;
  }

  /** Adds `scale * A @ B` into each base weight and detaches the adapters. */
  merge(): void {
    if (this.#merged) throw new Error("Cannot merge LoRA: it is already merged");
    this.#fold(1);
    for (const layer of this.layers) this.model.setAdapter(layer, null);
    this.#merged = true;
  }

  /** Subtracts the update from the base weights again and re-attaches the adapters. */
  unmerge(): void {
    if (!this.#merged) throw new Error("Cannot unmerge LoRA: it is not merged");
    this.#fold(-1);
    for (const layer of this.layers) this.#attach(layer);
    this.#merged = false;
  }

  #fold(sign: 1 | -1): void {
    tf.tidy(() => {
      for (const [layer, { a, b }] of this.#pairs) {
        const w = this.model.params.get(`${layer}.weight`)!;
        const delta = tf.matMul(a, b); // [in, out]
        const oriented = this.model.linearLayout === "in_out" ? delta : tf.transpose(delta);
        w.assign(tf.add(w, tf.mul(oriented, sign * this.scale)));
      }
    });
  }

  /** Writes `adapter_model.safetensors` (PEFT layout) and `adapter_config.json` into `dir`. */
  async save(dir: string): Promise<void> {
    await Deno.mkdir(dir, { recursive: true });
    const tensors = new Map<string, NamedTensor>();
    for (const [layer, { a, b }] of this.#pairs) {
      const ta = { shape: a.shape as number[], data: a.dataSync() as Float32Array };
      const tb = { shape: b.shape as number[], data: b.dataSync() as Float32Array };
      tensors.set(`base_model.model.${layer}.lora_A.weight`, {
        shape: [ta.shape[1]!, ta.shape[0]!],
        data: transpose2d(ta),
      });
      tensors.set(`base_model.model.${layer}.lora_B.weight`, {
        shape: [tb.shape[1]!, tb.shape[0]!],
        data: transpose2d(tb),
      });
    }
    await writeFileAtomic(join(dir, "adapter_model.safetensors"), encodeSafetensors(tensors, { format: "pt" }));
    await writeJsonAtomic(join(dir, "adapter_config.json"), {
      peft_type: "LORA",
      r: this.options.r,
      lora_alpha: this.options.alpha,
      lora_dropout: this.options.dropout,
      target_modules: this.options.targets,
      layers: this.layers,
      fan_in_fan_out: this.model.linearLayout === "in_out", // GPT-2's Conv1D layout, as PEFT names it
    });
  }

  /** Attaches adapters saved by {@linkcode Lora.save} to `model` (freezing its base). */
  static async load(model: Model, dir: string): Promise<Lora> {
    const cfgPath = join(dir, "adapter_config.json");
    const cfg = JSON.parse(await Deno.readTextFile(cfgPath));
    if (cfg.peft_type !== "LORA" || !Array.isArray(cfg.layers)) {
      throw new SyntaxError(
        `Cannot load adapters: ${cfgPath} is not a LoRA adapter config (expected peft_type "LORA" and layers)`,
      );
    }
    const path = join(dir, "adapter_model.safetensors");
    const { tensors } = decodeSafetensors(await Deno.readFile(path), path);
    const lora = Lora.apply(model, {
      r: cfg.r,
      alpha: cfg.lora_alpha,
      dropout: cfg.lora_dropout,
      targets: (cfg.layers as string[]).map((l) => new RegExp(`^${l.replaceAll(".", "\\.")}$`)),
    }, { next: () => 0.5 } as unknown as Rng);
    for (const [layer, { a, b }] of lora.#pairs) {
      for (const [suffix, v] of [["lora_A", a], ["lora_B", b]] as const) {
        const t = tensors.get(`base_model.model.${layer}.${suffix}.weight`);
        if (!t) throw new TypeError(`Cannot load adapters: ${path} has no ${layer}.${suffix}.weight`);
        if (t.shape[0] !== v.shape[1] || t.shape[1] !== v.shape[0]) {
          throw new TypeError(
            `Cannot load adapters: ${layer}.${suffix}.weight has shape [${t.shape}] (expected [${v.shape[1]}, ${
              v.shape[0]
            }])`,
          );
        }
        tf.tidy(() => v.assign(tf.tensor(transpose2d(t), v.shape)));
      }
    }
    return lora;
  }

  /** Detaches and frees the adapters and unfreezes the base (merged updates stay merged). */
  dispose(): void {
    if (!this.#merged) { for (const layer of this.layers) this.model.setAdapter(layer, null); }
    for (const { a, b } of this.#pairs.values()) tf.dispose([a, b]);
    for (const p of this.model.params.values()) p.trainable = true;
  }
}
