import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

Deno.test("Rng: same seed gives the same stream, another seed another", () => {
  const a = new Rng(1337), b = new Rng(1337), c = new Rng(1338);
  const xs = Array.from({ length: 100 }, () => a.nextU32());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.nextU32()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.nextU32()));
  // Pinned values: a change to the generator or the seeding would silently
  // change every run. 2665203664 is the first draw of seed 1337.
  assert.equal(xs[0], 2665203664);
  assert.equal(new Set(xs).size, 100);
});

Deno.test("Rng: matches the xoshiro128** reference from state [1, 2, 3, 4]", () => {
  // Values from the reference C algorithm (Blackman & Vigna), computed independently.
  const r = Rng.fromState([1, 2, 3, 4]);
  assert.deepEqual([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()], [11520, 0, 5927040, 70819200]);
});

Deno.test("Rng: state() and fromState() continue the exact stream", () => {
  const a = new Rng(5);
  for (let i = 0; i < 17; i++) a.normal();
  const saved = a.state();
  const expected = [a.next(), a.normal(), a.int(83)];
  const b = Rng.fromState(saved);
  assert.deepEqual([b.next(), b.normal(), b.int(83)], expected);
});

Deno.test("Rng: streams by purpose are independent and reproducible", () => {
  const init = Rng.stream(1, "init").nextU32(), batches = Rng.stream(1, "batches").nextU32();
  assert.notEqual(init, batches);
  assert.equal(Rng.stream(1, "init").nextU32(), init);
  assert.notEqual(Rng.stream(2, "init").nextU32(), init);
});

Deno.test("Rng: uniform, integer and normal draws have the right distribution", () => {
  const r = new Rng(9);
  const n = 20000;
  const u = Array.from({ length: n }, () => r.next());
  assert.ok(u.every((x) => x >= 0 && x < 1));
  assert.ok(Math.abs(u.reduce((s, x) => s + x, 0) / n - 0.5) < 0.01);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < n; i++) counts[r.int(5)]++;
  assert.ok(counts.every((c) => Math.abs(c - n / 5) < n / 50), `int(5) counts ${counts}`);
  const z = r.normalArray(n, 2);
  const mean = z.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(sd - 2) < 0.05, `mean ${mean}, sd ${sd}`);
});

Deno.test("Rng: bad arguments get clear errors", () => {
  assert.throws(() => new Rng(NaN), /seed must be a finite number/);
  assert.throws(() => new Rng(1).int(0), /positive integer/);
  assert.throws(() => Rng.fromState([1, 2, 3] as unknown as [number, number, number, number]), /expected 4 integers/);
});
