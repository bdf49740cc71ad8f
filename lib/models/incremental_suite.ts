/**
 * The test suite every incremental decoder passes (a model with
 * `startCache`/`step`), called from each model's test file: stepped logits
 * equal a full recompute's, position by position, on the cpu and wasm
 * backends; greedy generation gives the same ids with the cache on and off,
 * also when the context overflows `block_size`; caches are left as they
 * were by `step`, release their tensors, and refuse misuse.
 *
 * @module
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { generate } from "./generate.ts";
import { type IncrementalLanguageModel, isIncremental, type ModelConfig } from "./model.ts";
import { createModel } from "./registry.ts";

function build(name: string, overrides: Partial<ModelConfig>): IncrementalLanguageModel {
  const m = createModel(name, { ...overrides, dropout: 0 }, new Rng(11));
  if (!isIncremental(m)) throw new TypeError(`${name} has no startCache/step`);
  return m;
}

/** Full-recompute logits of the last position of each row of `ids` (`[B, T]`). */
function fullLast(m: IncrementalLanguageModel, ids: number[], B: number): Float32Array {
  const T = ids.length / B;
  return tf.tidy(() =>
    tf.gather(m.logits(Int32Array.from(ids), B, T), Array.from({ length: B }, (_, b) => b * T + T - 1))
      .dataSync() as Float32Array
  );
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

function argMax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** Runs the shared incremental-decoding suite on registry model `name` built with `overrides` (keep it tiny). */
export function incrementalSuite(name: string, overrides: Partial<ModelConfig>): void {
  for (const backend of ["cpu", "wasm"]) {
    Deno.test(`${name} (${backend}): stepped logits equal a full recompute, position by position, batch 2`, async () => {
      await initBackend(backend);
      const m = build(name, overrides);
      const V = m.config.vocab_size, block = m.config.block_size, B = 2;
      const rng = new Rng(3);
      const rows = [0, 1].map(() => Array.from({ length: block }, () => rng.int(V)));
      const prompt = 3;
      const c0 = m.startCache(B);
      let { logits, cache } = m.step(Int32Array.from(rows.flatMap((r) => r.slice(0, prompt))), c0);
      assert.equal(cache.length, prompt);
      assert.equal(c0.length, 0, "step leaves its input cache as it was");
      c0.dispose();
      for (let t = prompt;; t++) {
        const got = logits.dataSync() as Float32Array;
        logits.dispose();
        const want = fullLast(m, rows.flatMap((r) => r.slice(0, t)), B);
        const d = maxDiff(got, want);
        assert.ok(d < 1e-4, `position ${t - 1}: max difference ${d}`);
        if (t === block) break;
        const next = m.step(Int32Array.from(rows.map((r) => r[t]!)), cache);
        cache.dispose();
        ({ logits, cache } = next);
      }
      assert.equal(cache.length, block);
      assert.throws(() => m.step(new Int32Array([1, 1]), cache), /exceed block_size/);
      cache.dispose();
      assert.throws(() => m.step(new Int32Array([1, 1]), cache), /has been disposed/);
      const other = build(name, overrides);
      const foreign = other.startCache(B);
      assert.throws(() => m.step(new Int32Array([1, 1]), foreign), /not made by this model/);
      const fresh = m.startCache(B);
      assert.throws(() => m.step(new Int32Array([1, 1, 1]), fresh), /multiple of batch 2/);
      assert.throws(() => m.step(new Int32Array([1, V]), fresh), /outside the vocabulary/);
      assert.throws(() => m.startCache(0), RangeError);
      fresh.dispose();
      foreign.dispose();
      other.dispose();
      m.dispose();
    });

    Deno.test(
      `${name} (${backend}): greedy ids and logits equal with the cache on and off, past block_size; no tensor leak`,
      async () => {
        await initBackend(backend);
        const m = build(name, overrides);
        const block = m.config.block_size;
        const prompt = [1, 2, 3];
        const n = block + 4; // the context overflows block_size after block - 3 new tokens
        // Warm up (per-shape tensors a model keeps, e.g. GPT's attention masks), then count.
        generate(m, prompt, { maxNewTokens: n, temperature: 0, useCache: false });
        const before = tf.memory().numTensors;
        const on = generate(m, prompt, { maxNewTokens: n, temperature: 0 });
        assert.equal(tf.memory().numTensors, before, "generation with the cache left tensors behind");
        const off = generate(m, prompt, { maxNewTokens: n, temperature: 0, useCache: false });
        assert.deepEqual(on, off);
        assert.equal(on.length, prompt.length + n);
        // The last-position logits of every step in the cached range agree too.
        let cache = m.startCache(1);
        let feed = prompt;
        for (let t = prompt.length; t <= block; t++) {
          const r = m.step(Int32Array.from(feed), cache);
          cache.dispose();
          cache = r.cache;
          const got = r.logits.dataSync() as Float32Array;
          r.logits.dispose();
          const d = maxDiff(got, fullLast(m, [...on.subarray(0, t)], 1));
          assert.ok(d < 1e-4, `step ${t}: max difference ${d}`);
          assert.equal(argMax(got), on[t], `step ${t}: greedy id`);
          feed = [on[t]!];
        }
        cache.dispose();
        assert.equal(tf.memory().numTensors, before, "stepping by hand left tensors behind");
        m.dispose();
      },
    );
  }
}
