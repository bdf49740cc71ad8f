import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import type { CharLstm } from "./char_lstm.ts";
import { incrementalSuite } from "./incremental_suite.ts";
import { modelSuite } from "./model_suite.ts";
import { createModel, listModels } from "./registry.ts";
import { getWeights } from "./weights.ts";

const tiny = { vocab_size: 11, block_size: 8, n_embd: 8, n_hidden: 16, n_layer: 2 };

modelSuite("char-lstm", tiny, { kind: "lm", lr: 0.03, steps: 40 });

// The LSTM equations step by step in plain JS: gates [i, f, g, o] = x W_ih + h W_hh + b,
// c = sigmoid(f) c + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c); logits = h W_head + b_head.
function referenceLogits(m: CharLstm, idx: number[]): number[] {
  const w = getWeights(m);
  const get = (k: string) => w.get(k)!.data;
  const { n_embd: E, n_hidden: H, n_layer: L, vocab_size: V } = m.config;
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  let xs = idx.map((id) => Array.from(get("embedding.weight").subarray(id * E, (id + 1) * E)));
  for (let l = 0; l < L; l++) {
    const [wi, wh, b] = [get(`lstm.${l}.weight_ih`), get(`lstm.${l}.weight_hh`), get(`lstm.${l}.bias`)];
    const h = new Array(H).fill(0), c = new Array(H).fill(0);
    xs = xs.map((x) => {
      const gates = Array.from({ length: 4 * H }, (_, j) => {
        let s = b[j]!;
        x.forEach((v, k) => (s += v * wi[k * 4 * H + j]!));
        h.forEach((v, k) => (s += v * wh[k * 4 * H + j]!));
        return s;
      });
      for (let j = 0; j < H; j++) {
        c[j] = sig(gates[H + j]!) * c[j] + sig(gates[j]!) * Math.tanh(gates[2 * H + j]!);
        h[j] = sig(gates[3 * H + j]!) * Math.tanh(c[j]);
      }
      return [...h];
    });
  }
  return xs.flatMap((x) =>
    Array.from(
      { length: V },
      (_, v) => x.reduce((s, hv, k) => s + hv * get("head.weight")[k * V + v]!, get("head.bias")[v]!),
    )
  );
}

Deno.test("char-lstm: logits equal the LSTM equations computed in plain JS; bad input is refused", async () => {
  await initBackend("wasm");
  const m = createModel("char-lstm", tiny, new Rng(5)) as CharLstm;
  const idx = [1, 4, 10, 0, 7];
  const got = tf.tidy(() => m.logits(Int32Array.from(idx), 1, 5).dataSync());
  const want = referenceLogits(m, idx);
  assert.equal(got.length, want.length);
  const worst = want.reduce((w, v, i) => Math.max(w, Math.abs(v - got[i]!)), 0);
  assert.ok(worst < 1e-5, `max difference ${worst}`);
  assert.throws(() => m.logits(Int32Array.from([1, 11]), 1, 2), /token id 11 is outside the vocabulary/);
  assert.throws(() => m.logits(new Int32Array(9), 1, 9), /exceeds block_size 8/);
  assert.throws(() => m.logits(new Int32Array(3), 1, 2), /expected 2 token ids/);
  m.dispose();
  assert.equal(listModels().find((e) => e.name === "char-lstm")!.params, 880_659);
  assert.throws(() => createModel("char-lstm", { n_hidden: 0 }), /n_hidden/);
});

incrementalSuite("char-lstm", { ...tiny, block_size: 10 });
