/**
 * The test suite every registered model passes, called from each model's test
 * file: output shapes, learning on a tiny task, save/load equality (by name
 * and as a `savePretrained` folder), determinism under a seed (initial
 * weights and dropout masks), and gradients on wasm equal to the CPU backend's.
 *
 * @module
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import type { ClassificationModel, LanguageModel, Model, ModelConfig } from "./model.ts";
import { createModel, getModelEntry } from "./registry.ts";
import { getWeights, setWeights } from "./weights.ts";
import { loadPretrained, savePretrained } from "./pretrained.ts";

function lmBatch(vocab: number, B: number, T: number, seed: number) {
  const rng = new Rng(seed);
  // A learnable rule: each token is followed by (token + 1) mod vocab.
  const x = Int32Array.from({ length: B * T }, () => rng.int(vocab));
  const y = x.map((v) => (v + 1) % vocab);
  return { x, y };
}

function clsBatch(vocab: number, B: number, T: number, seed: number) {
  const rng = new Rng(seed);
  const ids = Int32Array.from({ length: B * T }, () => 2 + rng.int(vocab - 2));
  const mask = new Int32Array(B * T).fill(1);
  const labels = Int32Array.from({ length: B }, () => rng.int(2));
  // Label 1 iff token 1 appears first.
  for (let b = 0; b < B; b++) if (labels[b]) ids[b * T] = 1;
  for (let b = 0; b < B; b++) mask[b * T + T - 1] = b % 2; // some padding
  return { input: { ids, mask, batch: B, time: T }, labels };
}

function lossOf(m: Model, kind: "lm" | "cls", seed: number, training = false): () => tf.Scalar {
  if (kind === "lm") {
    const lm = m as LanguageModel;
    const { x, y } = lmBatch(lm.config.vocab_size, 4, 8, seed);
    return () => lm.loss(x, y, 4, 8, training);
  }
  const c = m as ClassificationModel;
  const { input, labels } = clsBatch(c.config.vocab_size as number, 8, 6, seed);
  return () => c.loss(input, labels, training);
}

function outputs(m: Model, kind: "lm" | "cls"): Float32Array {
  const t = tf.tidy(() => {
    if (kind === "lm") {
      const lm = m as LanguageModel;
      return lm.logits(lmBatch(lm.config.vocab_size, 2, 8, 5).x, 2, 8);
    }
    return (m as ClassificationModel).logits(
      clsBatch((m as ClassificationModel).config.vocab_size as number, 3, 6, 5).input,
    );
  });
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/** What {@linkcode modelSuite} needs to know of a model. */
export interface ModelSuiteOptions {
  /** A language model (`lm`) or a classifier (`cls`). */
  kind: "lm" | "cls";
  /** Adam's learning rate on the tiny task (default 0.01). */
  lr?: number;
  /** Steps on the tiny task (default 30); the loss must fall by 20%. */
  steps?: number;
}

/** Runs the shared suite on registry model `name` built with `overrides` (keep it tiny). */
export function modelSuite(name: string, overrides: Partial<ModelConfig>, options: ModelSuiteOptions): void {
  const { kind, lr = 0.01, steps = 30 } = options;

  Deno.test(`${name}: parameter count, output shapes, and the loss falls on a tiny task`, async () => {
    await initBackend("wasm");
    const m = createModel(name, overrides, new Rng(1));
    const entry = getModelEntry(name);
    assert.equal(entry.task, kind === "lm" ? "language-modeling" : "classification");
    if (entry.countParams) assert.equal(entry.countParams(m.config), m.countParams(), "the registry's count");
    assert.equal(m.countParams(), [...m.params.values()].reduce((n, v) => n + v.size, 0));
    const out = outputs(m, kind);
    const width = kind === "lm" ? (m.config.vocab_size as number) : (m.config.num_labels as number);
    assert.equal(out.length, (kind === "lm" ? 16 : 3) * width);
    const f = lossOf(m, kind, 3, true);
    const vars = [...m.params.values()];
    // Plain Adam (no bias correction), so one learning rate suits every family.
    const mom = vars.map((v) => tf.zerosLike(v)), sq = vars.map((v) => tf.zerosLike(v));
    let first = 0, last = 0;
    for (let i = 0; i < steps; i++) {
      const { value, grads } = tf.variableGrads(f, vars);
      vars.forEach((v, k) => {
        const g = grads[v.name]!;
        const [m1, v1] = tf.tidy(
          () => [
            tf.add(tf.mul(mom[k]!, 0.9), tf.mul(g, 0.1)),
            tf.add(tf.mul(sq[k]!, 0.99), tf.mul(tf.square(g), 0.01)),
          ],
        );
        tf.dispose([mom[k]!, sq[k]!]);
        [mom[k], sq[k]] = [m1!, v1!];
        tf.tidy(() => v.assign(tf.sub(v, tf.mul(tf.div(m1!, tf.add(tf.sqrt(v1!), 1e-8)), lr))));
      });
      const l = value.dataSync()[0]!;
      if (i === 0) first = l;
      last = l;
      tf.dispose([value, ...Object.values(grads)]);
    }
    assert.ok(last < first * 0.8, `${name}: loss ${first} -> ${last}`);
    tf.dispose([...mom, ...sq]);
    m.dispose();
  });

  Deno.test(`${name}: weights save and load by name and as a pretrained folder; a seed fixes the init`, async () => {
    await initBackend("wasm");
    const a = createModel(name, overrides, new Rng(7));
    const b = createModel(name, overrides, new Rng(7));
    const c = createModel(name, overrides, new Rng(8));
    assert.deepEqual(getWeights(a), getWeights(b));
    assert.notDeepEqual([...getWeights(a).values()].map((t) => t.data), [...getWeights(c).values()].map((t) => t.data));
    setWeights(c, getWeights(a));
    assert.deepEqual(outputs(c, kind), outputs(a, kind));
    const dir = await Deno.makeTempDir();
    await savePretrained(a, dir, { name });
    const back = await loadPretrained(dir);
    assert.deepEqual(back.config, a.config);
    assert.deepEqual(getWeights(back), getWeights(a));
    assert.deepEqual(outputs(back, kind), outputs(a, kind));
    back.dispose();
    await Deno.remove(dir, { recursive: true });
    for (const m of [a, b, c]) m.dispose();
  });

  Deno.test(`${name}: a dropout seed fixes the training-mode loss`, async () => {
    await initBackend("wasm");
    const withDropout = "dropout" in getModelEntry(name).defaults ? { ...overrides, dropout: 0.3 } : overrides;
    const m = createModel(name, withDropout, new Rng(3)) as LanguageModel | ClassificationModel;
    const f = lossOf(m, kind, 6, true);
    const lossWith = (seed: number) => {
      m.setDropoutSeed(seed);
      const l = f();
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    };
    assert.equal(lossWith(5), lossWith(5));
    if (typeof m.config.dropout === "number" && m.config.dropout > 0) {
      assert.notEqual(lossWith(5), lossWith(6), "another seed, other masks");
      const evalLoss = lossOf(m, kind, 6, false)();
      assert.notEqual(lossWith(5), evalLoss.dataSync()[0], "dropout is on in training mode");
      evalLoss.dispose();
    }
    m.dispose();
  });

  Deno.test(`${name}: gradients on wasm equal the CPU backend's within 1e-4`, async () => {
    const grads: Float32Array[][] = [];
    for (const backend of ["cpu", "wasm"]) {
      await initBackend(backend);
      const m = createModel(name, overrides, new Rng(2));
      // Larger weights than the init so every gradient is well away from zero.
      setWeights(
        m,
        new Map([...getWeights(m)].map(([k, t]) => [k, { shape: t.shape, data: t.data.map((v) => v * 3) }])),
      );
      const { value, grads: g } = tf.variableGrads(lossOf(m, kind, 4), [...m.params.values()]);
      grads.push([...m.params].map(([k, v]) => {
        const d = g[v.name]!.dataSync() as Float32Array;
        assert.ok(d.some((x) => x !== 0), `${name}: ${k} has an all-zero gradient on ${backend}`);
        return d;
      }));
      tf.dispose([value, ...Object.values(g)]);
      m.dispose();
    }
    let worst = 0;
    grads[0]!.forEach((g, i) => g.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - grads[1]![i]![j]!)))));
    assert.ok(worst < 1e-4, `${name}: max gradient difference ${worst}`);
  });
}
