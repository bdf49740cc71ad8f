import assert from "node:assert/strict";
import { ngramLoss } from "./ngram.ts";

Deno.test("ngramLoss: matches hand-computed unigram and bigram losses", () => {
  const train = new Int32Array([0, 0, 0, 1]);
  // unigram, alpha 0: p(0) = 3/4, p(1) = 1/4
  const uni = ngramLoss(train, new Int32Array([0, 1]), 2, 1, 0);
  assert.ok(Math.abs(uni - -(Math.log(0.75) + Math.log(0.25)) / 2) < 1e-12);
  // bigram, alpha 1: counts 0->0: 2, 0->1: 1; p(1|0) = (1+1)/(3+2)
  const bi = ngramLoss(train, new Int32Array([0, 1]), 2, 2, 1);
  assert.ok(Math.abs(bi - -Math.log(2 / 5)) < 1e-12);
});

Deno.test("ngramLoss: a uniform model scores log(V)", () => {
  const v = ngramLoss(new Int32Array([]), new Int32Array([0, 1, 2, 3]), 4, 1, 1);
  assert.ok(Math.abs(v - Math.log(4)) < 1e-12);
});

Deno.test("ngramLoss: a vocabulary above 4,096 ids (sparse pair counts) scores the same as the formula", () => {
  const train = new Int32Array([0, 0, 0, 1, 4999, 1]);
  const V = 5000;
  // p(1|0) = (1 + 1) / (3 + V), p(4999|1) = (1 + 1) / (1 + V), p(1|4999) = (1 + 1) / (1 + V)
  const bi = ngramLoss(train, new Int32Array([0, 1, 4999, 1]), V, 2, 1);
  const expected = -(Math.log(2 / (3 + V)) + 2 * Math.log(2 / (1 + V))) / 3;
  assert.ok(Math.abs(bi - expected) < 1e-12, `${bi} vs ${expected}`);
});
