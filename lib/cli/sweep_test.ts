import assert from "node:assert/strict";
import { runLimited, sweepTrials, sweepValues } from "./sweep.ts";

Deno.test("sweepValues: splits on top-level commas only, keeping brackets and quotes whole", () => {
  assert.deepEqual(sweepValues("train.lr=1e-3,3e-3,1e-2"), ["train.lr=1e-3", "train.lr=3e-3", "train.lr=1e-2"]);
  assert.deepEqual(sweepValues("seed=1"), ["seed=1"]);
  assert.deepEqual(sweepValues("a.b=[1,2],[3,{x:4,y:5}]"), ["a.b=[1,2]", "a.b=[3,{x:4,y:5}]"]);
  assert.deepEqual(sweepValues(`name="a,b",'c,d',e`), [`name="a,b"`, `name='c,d'`, "name=e"]);
  assert.deepEqual(sweepValues("k=1 ,  2,\t\t3"), ["k=1", "k=2", "k=3"], "whitespace around values is trimmed");
  assert.deepEqual(sweepValues("k=a\\,b,c"), ["k=a\\,b", "k=c"], "an escaped comma does not split");
  assert.deepEqual(sweepValues("k="), ["k="]);
  assert.throws(() => sweepValues("k=a,"), /Cannot parse override "k=a,": missing a value at end of input at column 5/);
});

Deno.test("sweepValues: a second = must be quoted or escaped; an override without = is one value", () => {
  assert.throws(() => sweepValues("k=a=b,c"), /mismatched input '=' .* at column 4/);
  assert.deepEqual(sweepValues("k='a=b',c"), ["k='a=b'", "k=c"]);
  assert.deepEqual(sweepValues("~train.clip"), ["~train.clip"]);
  assert.deepEqual(sweepValues("a,b"), ["a,b"]);
});

Deno.test("sweepTrials: the grid of every combination, the last axis varying fastest", () => {
  assert.deepEqual(sweepTrials(["a=1,2", "b=x,y,z", "c=0"]), [
    ["a=1", "b=x", "c=0"],
    ["a=1", "b=y", "c=0"],
    ["a=1", "b=z", "c=0"],
    ["a=2", "b=x", "c=0"],
    ["a=2", "b=y", "c=0"],
    ["a=2", "b=z", "c=0"],
  ]);
  assert.deepEqual(sweepTrials([]), [[]]);
  assert.deepEqual(sweepTrials(["seed=1"]), [["seed=1"]]);
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("runLimited: at most limit jobs at once, results in the jobs' order", async () => {
  let running = 0, peak = 0;
  const started: number[] = [];
  const delays = [30, 5, 20, 1, 10, 2, 15];
  const jobs = delays.map((ms, i) => async () => {
    started.push(i);
    running++;
    peak = Math.max(peak, running);
    await tick(ms);
    running--;
    return i * 10;
  });
  assert.deepEqual(await runLimited(jobs, 3), [0, 10, 20, 30, 40, 50, 60]);
  assert.equal(peak, 3);
  assert.equal(running, 0);
  assert.deepEqual(started.slice(0, 3), [0, 1, 2]);
  assert.deepEqual([...started].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("runLimited: a limit below 1 runs one at a time; no jobs give no results", async () => {
  let running = 0, peak = 0;
  const jobs = [1, 2, 3].map((v) => async () => {
    running++;
    peak = Math.max(peak, running);
    await tick(1);
    running--;
    return v;
  });
  assert.deepEqual(await runLimited(jobs, 0), [1, 2, 3]);
  assert.equal(peak, 1);
  assert.deepEqual(await runLimited([], 4), []);
});

Deno.test("runLimited: a failing job rejects with its error", async () => {
  const jobs = [() => Promise.resolve(1), () => Promise.reject(new Error("trial 2 failed")), () => Promise.resolve(3)];
  await assert.rejects(runLimited(jobs, 2), /^Error: trial 2 failed$/);
});
