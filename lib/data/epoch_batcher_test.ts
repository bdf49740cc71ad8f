import assert from "node:assert/strict";
import { EpochBatcher } from "./epoch_batcher.ts";

Deno.test("EpochBatcher: every epoch is a seeded permutation; the batches are pinned so runs stay reproducible", () => {
  const b = new EpochBatcher(10, 4, 7);
  assert.deepEqual([b.next(), b.next(), b.next()], [[1, 0, 9, 2], [7, 5, 8, 3], [6, 4]]);
  assert.equal(b.epoch, 0);
  assert.deepEqual(b.next(), [7, 1, 4, 5]);
  assert.equal(b.epoch, 1);
  const big = new EpochBatcher(1000, 64, 3);
  for (let epoch = 0; epoch < 3; epoch++) {
    const seen: number[] = [];
    for (let k = 0; k < 16; k++) seen.push(...big.next());
    assert.deepEqual(seen.sort((x, y) => x - y), [...Array(1000).keys()], `epoch ${epoch} is a permutation`);
  }
  assert.notDeepEqual(new EpochBatcher(10, 10, 8).next(), new EpochBatcher(10, 10, 7).next());
});

Deno.test("EpochBatcher: the state is small JSON, and a batcher rebuilt from it continues with the same batches", () => {
  const a = new EpochBatcher(10, 4, 7);
  for (let k = 0; k < 5; k++) a.next();
  const saved = JSON.parse(JSON.stringify(a.state()));
  assert.deepEqual(saved, { seed: 7, size: 10, batchSize: 4, epoch: 1, position: 8 });
  const rest = [a.next(), a.next(), a.next()];
  const b = EpochBatcher.fromState(saved);
  assert.deepEqual([b.next(), b.next(), b.next()], rest);
  assert.equal(b.epoch, 2);
});

Deno.test("EpochBatcher: empty datasets, bad batch sizes and broken states are refused", () => {
  assert.throws(() => new EpochBatcher(0, 4, 1), {
    name: "RangeError",
    message: "Cannot batch: the dataset has 0 examples",
  });
  assert.throws(() => new EpochBatcher(10, 0, 1), /batch size must be >= 1 \(got 0\)/);
  assert.throws(() => new EpochBatcher(10, 2, 1.5), /seed must be an integer \(got 1.5\)/);
  const state = { seed: 7, size: 10, batchSize: 4, epoch: 0, position: 0 };
  assert.throws(() => EpochBatcher.fromState({ ...state, position: 11 }), {
    name: "RangeError",
    message: "Cannot resume batches: epoch 0, position 11 is outside an epoch of 10 examples",
  });
  const { epoch: _, ...noEpoch } = state;
  assert.throws(() => EpochBatcher.fromState(noEpoch as typeof state), {
    name: "TypeError",
    message: 'Cannot resume batches: the saved state needs an integer "epoch" (got undefined)',
  });
});
