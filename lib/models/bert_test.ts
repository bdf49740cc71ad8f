import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import type { Bert } from "./bert.ts";
import { modelSuite } from "./model_suite.ts";
import { createModel, listModels } from "./registry.ts";

const tiny = {
  vocab_size: 20,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 32,
  max_position_embeddings: 16,
};

modelSuite("minilm", tiny, { kind: "cls" });

Deno.test("minilm: the default is all-MiniLM-L6-v2's shape (22,713,216 encoder parameters) plus a 2-class head", () => {
  const m = listModels().find((e) => e.name === "minilm")!;
  assert.equal(m.params, 22_713_216 + 384 * 2 + 2);
});

Deno.test("minilm: padding changes nothing for the real tokens; bad input is refused", async () => {
  await initBackend("wasm");
  const m = createModel("minilm", { ...tiny, dropout: 0 }, new Rng(4)) as Bert;
  const ids = [3, 9, 4, 17, 5];
  const short = { ids: Int32Array.from(ids), mask: new Int32Array(5).fill(1), batch: 1, time: 5 };
  // The same row padded to 8 with junk ids, next to another row.
  const padded = {
    ids: Int32Array.from([...ids, 7, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8]),
    mask: Int32Array.from([1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]),
    batch: 2,
    time: 8,
  };
  const [a, b] = tf.tidy(() => [
    m.encode(short).dataSync(),
    m.encode(padded).slice([0, 0], [5, 16]).dataSync(),
  ]);
  a!.forEach((v, i) => assert.ok(Math.abs(v - b![i]!) < 1e-5, `hidden ${i}: ${v} vs ${b![i]}`));
  const la = tf.tidy(() => m.logits(short).dataSync()), lb = tf.tidy(() => m.logits(padded).dataSync());
  la.forEach((v, i) => assert.ok(Math.abs(v - lb[i]!) < 1e-5));
  assert.throws(() => m.logits({ ...short, ids: Int32Array.from([3, 9, 4, 17, 20]) }), /token id 20 is outside/);
  assert.throws(() => m.logits({ ...short, mask: new Int32Array(4) }), /expected 5 token ids and mask values/);
  assert.throws(() => m.logits({ ids: new Int32Array(17), mask: new Int32Array(17), batch: 1, time: 17 }), /exceeds/);
  assert.throws(() => createModel("minilm", { ...tiny, num_attention_heads: 5 }), /must divide hidden_size/);
  m.dispose();
});
