import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { allWindows, EVAL_LOGITS_BUDGET, evalWindowsPerBatch, evenBatches, randomBatch } from "./batches.ts";

/** Tokens 0, 1, ..., n-1: a window's first input token is its start offset. */
const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const starts = (x: Int32Array, T: number) => Array.from({ length: x.length / T }, (_, b) => x[b * T]!);

Deno.test("randomBatch: B windows of T tokens at the offsets rng.int(length - T) draws, targets shifted by one", () => {
  const data = iota(20);
  const b = randomBatch(data, 5, 4, new Rng(7));
  assert.equal(b.batch, 5);
  assert.equal(b.time, 4);
  assert.equal(b.x.length, 20);
  const want = new Rng(7);
  const s = Array.from({ length: 5 }, () => want.int(20 - 4));
  assert.deepEqual(starts(b.x, 4), s);
  for (let w = 0; w < 5; w++) {
    for (let t = 0; t < 4; t++) {
      assert.equal(b.x[w * 4 + t], s[w]! + t);
      assert.equal(b.y[w * 4 + t], s[w]! + t + 1);
    }
  }
  // the same seed gives the same batch; every target stays inside the data
  assert.deepEqual(randomBatch(data, 5, 4, new Rng(7)), b);
  const many = randomBatch(data, 200, 4, new Rng(1));
  assert.ok(Math.max(...many.y) <= 19);
  assert.equal(Math.max(...starts(many.x, 4)), 15);
  assert.equal(Math.min(...starts(many.x, 4)), 0);
});

Deno.test("evenBatches: n batches of B windows spread from offset 0 to the last full window", () => {
  const data = iota(23);
  const bs = evenBatches(data, 2, 4, 3);
  assert.equal(bs.length, 3);
  // last = 23 - 4 - 1 = 18; six windows at floor(i * 18 / 5)
  assert.deepEqual(bs.map((b) => starts(b.x, 4)), [[0, 3], [7, 10], [14, 18]]);
  assert.deepEqual([...bs[2]!.x], [14, 15, 16, 17, 18, 19, 20, 21]);
  assert.deepEqual([...bs[2]!.y], [15, 16, 17, 18, 19, 20, 21, 22]);
  for (const b of bs) assert.deepEqual([b.batch, b.time], [2, 4]);
  // one window starts at 0
  assert.deepEqual(starts(evenBatches(data, 1, 4, 1)[0]!.x, 4), [0]);
});

Deno.test("allWindows: every non-overlapping window in order, batches of up to B, the tail too short for a target dropped", () => {
  const data = iota(15);
  const bs = allWindows(data, 2, 4);
  // floor((15 - 1) / 4) = 3 windows: starts 0, 4, 8; tokens 12..14 are left over
  assert.deepEqual(bs.map((b) => b.batch), [2, 1]);
  assert.deepEqual([...bs[0]!.x], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...bs[0]!.y], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...bs[1]!.x], [8, 9, 10, 11]);
  assert.deepEqual([...bs[1]!.y], [9, 10, 11, 12]);
  // exactly T + 1 tokens is one window; a plain array works as data
  const one = allWindows([5, 6, 7], 8, 2);
  assert.equal(one.length, 1);
  assert.deepEqual([...one[0]!.x, ...one[0]!.y], [5, 6, 6, 7]);
});

Deno.test("batches: a split shorter than block_size + 1 is a RangeError naming the split", () => {
  const short = iota(4);
  const cases: [() => unknown, string][] = [
    [() => randomBatch(short, 2, 4, new Rng(1)), "training"],
    [() => evenBatches(short, 2, 4, 1), "evaluation"],
    [() => allWindows(short, 2, 4), "evaluation"],
  ];
  for (const [f, split] of cases) {
    assert.throws(f, (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.equal(
        err.message,
        `Cannot make batches: the ${split} split has 4 tokens, fewer than block_size + 1 = 5`,
      );
      return true;
    });
  }
});

Deno.test("evalWindowsPerBatch: a large vocabulary shrinks evaluation batches to fit the logits budget, never below 1", () => {
  assert.equal(evalWindowsPerBatch(64, 83, 48), 48);
  assert.equal(evalWindowsPerBatch(64, 50257, 48), Math.floor(EVAL_LOGITS_BUDGET / (64 * 50257)));
  assert.ok(evalWindowsPerBatch(64, 50257, 48) * 64 * 50257 <= EVAL_LOGITS_BUDGET);
  assert.equal(evalWindowsPerBatch(1024, 50257, 32), 1);
});
