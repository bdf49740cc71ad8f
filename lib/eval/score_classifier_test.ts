import assert from "node:assert/strict";
import { initBackend } from "../backend/mod.ts";
import { BowLinear, type EncoderBatch } from "../models/mod.ts";
import { scoreClassifier } from "./score_classifier.ts";

await initBackend("cpu");

/** A bag-of-words model that records the batches it sees. */
class Recording extends BowLinear {
  seen: EncoderBatch[] = [];
  override logits(input: EncoderBatch) {
    this.seen.push(input);
    return super.logits(input);
  }
}
// vocab: 0 "c", 1 "a" (+2 to class 0), 2 [CLS], 3 "b" (+2 to class 1); logits are 2 x token shares
const model = () =>
  new Recording({ vocab_size: 4, num_labels: 2 }, {
    weight: Float32Array.from([0, 0, 2, 0, 0, 0, 0, 2]),
    bias: new Float32Array(2),
  });
const encode = (t: string) => [...t].map((ch) => ({ c: 0, a: 1, b: 3 })[ch]!);
const softmax = (z: number[]) => {
  const e = z.map(Math.exp), s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
};
function close(got: number[][], want: number[][]) {
  assert.equal(got.length, want.length);
  got.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-6, `[${i}][${j}] ${v}`)));
}

Deno.test("scoreClassifier: softmax rows of [CLS] + tokens, padding masked, truncated to maxTokens", () => {
  const m = model();
  const rows = scoreClassifier(m, encode, ["a", "bb", "abbb", ""], { maxTokens: 2 });
  close(rows, [
    softmax([1, 0]), // [CLS] a
    softmax([0, 4 / 3]), // [CLS] b b
    [0.5, 0.5], // [CLS] a b (the rest cut)
    [0.5, 0.5], // [CLS] only
  ]);
  assert.equal(m.seen.length, 1);
  const b = m.seen[0]!;
  assert.deepEqual([b.batch, b.time], [4, 3]);
  assert.deepEqual([...b.ids], [2, 1, 0, 2, 3, 3, 2, 1, 3, 2, 0, 0]);
  assert.deepEqual([...b.mask], [1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  m.dispose();
});

Deno.test("scoreClassifier: batch sets texts per pass (each padded to its own longest), rows in text order", () => {
  const m = model();
  const texts = ["abbb", "a", "b"];
  const rows = scoreClassifier(m, encode, texts, { maxTokens: 10, batch: 2 });
  close(rows, [softmax([2 / 5, 6 / 5]), softmax([1, 0]), softmax([0, 1])]);
  assert.deepEqual(m.seen.map((b) => [b.batch, b.time]), [[2, 5], [1, 2]]);
  close(scoreClassifier(m, encode, texts, { maxTokens: 10 }), rows);
  assert.deepEqual(scoreClassifier(m, encode, [], { maxTokens: 10 }), []);
  m.dispose();
});
