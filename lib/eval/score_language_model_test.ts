import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { createModel, type LanguageModel } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { allWindows } from "../train/mod.ts";
import { scoreLanguageModel } from "./score_language_model.ts";

await initBackend("cpu");

// A bigram "model": the next-token distribution depends on the current token only,
// row a of P. Its logits are ln P, so log-softmax gives back ln P exactly.
const P = [
  [0.1, 0.7, 0.2], // after 0: predicts 1
  [0.2, 0.5, 0.3], // after 1: predicts 1
  [0.6, 0.3, 0.1], // after 2: predicts 0
];
function bigramModel(calls: number[]): LanguageModel {
  const table = tf.keep(tf.log(tf.tensor2d(P)));
  return {
    family: "bigram",
    config: { vocab_size: 3, block_size: 2 },
    params: new Map(),
    countParams: () => 0,
    dispose: () => table.dispose(),
    setDropoutSeed: () => {},
    loss: () => tf.scalar(0),
    logits: (idx, batch, time) => {
      calls.push(batch);
      assert.equal(idx.length, batch * time);
      return tf.gather(table, tf.tensor1d(idx, "int32")) as tf.Tensor2D;
    },
  };
}
const decode = (ids: Int32Array) => [...ids].map((i) => "abc"[i]).join("");
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

Deno.test("scoreLanguageModel: per-window NLL, accuracy, text and predictions, worked by hand", () => {
  const calls: number[] = [];
  const model = bigramModel(calls);
  // 7 tokens, block 2: windows at 0, 2, 4 (x 01|20|12, y 12|01|20); the last token is only a target
  const s = scoreLanguageModel(model, decode, [0, 1, 2, 0, 1, 2, 0]);
  const ln = Math.log;
  const want = [-(ln(0.7) + ln(0.3)) / 2, -(ln(0.6) + ln(0.7)) / 2, -(ln(0.3) + ln(0.6)) / 2];
  s.losses.forEach((l, i) => close(l, want[i]!, `loss ${i}`));
  assert.deepEqual(s.hits, [0.5, 1, 0.5]);
  assert.equal(s.tokens, 6);
  assert.deepEqual(calls, [3], "one forward pass with the default batch");
  assert.deepEqual(
    s.windows.map(({ index, start, accuracy, text, predicted }) => ({ index, start, accuracy, text, predicted })),
    [
      { index: 0, start: 0, accuracy: 0.5, text: "bc", predicted: "bb" },
      { index: 1, start: 2, accuracy: 1, text: "ab", predicted: "ab" },
      { index: 2, start: 4, accuracy: 0.5, text: "ca", predicted: "ba" },
    ],
  );
  s.windows.forEach((w, i) => assert.equal(w.loss, s.losses[i]));
  model.dispose();
});

Deno.test("scoreLanguageModel: batch sets windows per forward pass without changing the scores", () => {
  const calls: number[] = [];
  const model = bigramModel(calls);
  const ids = [0, 1, 2, 0, 1, 2, 0];
  const one = scoreLanguageModel(model, decode, ids, { batch: 2 });
  assert.deepEqual(calls, [2, 1]);
  calls.length = 0;
  assert.deepEqual(scoreLanguageModel(model, decode, ids), one);
  assert.throws(
    () => scoreLanguageModel(model, decode, [0, 1]),
    /^RangeError: Cannot make batches: the evaluation split has 2 tokens, fewer than block_size \+ 1 = 3$/,
  );
  model.dispose();
});

Deno.test("scoreLanguageModel: on a seeded gpt-nano, the mean window loss equals the model's own loss", () => {
  const model = createModel("gpt-nano", { vocab_size: 11, block_size: 8 }, new Rng(3)) as LanguageModel;
  const rng = new Rng(4);
  const ids = Int32Array.from({ length: 8 * 5 + 3 }, () => rng.int(11));
  const s = scoreLanguageModel(model, (x) => [...x].join(","), ids, { batch: 2 });
  assert.equal(s.losses.length, 5);
  assert.equal(s.tokens, 40);
  const [b] = allWindows(ids, 5, 8);
  const loss = tf.tidy(() => model.loss(b!.x, b!.y, b!.batch, b!.time).dataSync()[0]!);
  close(s.losses.reduce((a, c) => a + c) / 5, loss, "mean loss");
  assert.equal(s.windows[1]!.text, [...ids.subarray(9, 17)].join(","));
  s.hits.forEach((h) => assert.ok(h >= 0 && h <= 1));
  model.dispose();
});
