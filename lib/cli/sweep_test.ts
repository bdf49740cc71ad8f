import assert from "node:assert/strict";
import { medianStop, randomTrials, runLimited, sweepTrials, sweepValues } from "./sweep.ts";

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

Deno.test("sweepValues: Hydra's sweep functions are enumerated, not split at their commas", () => {
  assert.deepEqual(sweepValues("seed=choice(1,2,3)"), ["seed=1", "seed=2", "seed=3"]);
  assert.deepEqual(sweepValues("train.lr=choice(1e-3, 'a,b')"), ["train.lr=1e-3", "train.lr='a,b'"], "as written");
  assert.deepEqual(sweepValues("k=choice([1,2],[3,4])"), ["k=[1,2]", "k=[3,4]"]);
  assert.deepEqual(sweepValues("seed=range(1,5,2)"), ["seed=1", "seed=3"]);
  assert.deepEqual(sweepValues("seed=range(1, 10)").length, 9);
  assert.deepEqual(sweepValues("train.lr=range(0.1,0.4,0.1)"), ["train.lr=0.1", "train.lr=0.2", "train.lr=0.3"]);
  assert.deepEqual(sweepValues("x=range(1.0,3.0)"), ["x=1.0", "x=2.0"]);
  assert.deepEqual(sweepValues("seed=sort(3,1,2,reverse=true)"), ["seed=3", "seed=2", "seed=1"]);
  assert.deepEqual(sweepValues("p=str(1,2)"), ["p='1'", "p='2'"]);
  assert.deepEqual(sweepValues("p='a,b',c\\ d"), ["p='a,b'", "p=c\\ d"]);
  const shuffled = sweepValues("seed=shuffle(range(0,20))");
  assert.deepEqual([...shuffled].sort(), sweepValues("seed=range(0,20)").sort());
  const groupOptions = { model: ["gpt-nano", "gpt-micro", "gpt-mini", "char-lstm"] };
  assert.deepEqual(sweepValues("model=glob(gpt-*,exclude=gpt-mini)", { groupOptions }), [
    "model=gpt-nano",
    "model=gpt-micro",
  ]);
  assert.throws(() => sweepValues("model=glob(zz*)", { groupOptions }), /no model option matches/);
  assert.throws(() => sweepValues("train.lr=glob(*)", { groupOptions }), /train.lr is not one/);
  assert.throws(
    () => sweepValues("train.lr=interval(0,1)"),
    /the basic sweeper cannot enumerate an interval; use hydra\/sweeper=random/,
  );
});

Deno.test("randomTrials: n draws, the same for the same seed, within their ranges", () => {
  const overrides = [
    "train.lr=tag(log,interval(1e-5,1e-1))",
    "train.dropout=interval(0,0.5)",
    "train.batch_size=int(interval(4,8))",
    "model=choice(gpt-nano,gpt-micro)",
    "seed=range(1,4)",
    "fixed=1",
  ];
  const a = randomTrials(overrides, { n: 200, seed: 7 });
  assert.equal(a.length, 200);
  assert.deepEqual(a, randomTrials(overrides, { n: 200, seed: 7 }));
  assert.notDeepEqual(a, randomTrials(overrides, { n: 200, seed: 8 }));
  const col = (k: number) => a.map((t) => t[k]!.slice(t[k]!.indexOf("=") + 1));
  const lr = col(0).map(Number);
  assert.ok(lr.every((v) => v >= 1e-5 && v <= 1e-1));
  assert.ok(lr.filter((v) => v < 1e-3).length > 60, "log scale: half the draws are below the geometric middle");
  assert.ok(col(1).map(Number).every((v) => v >= 0 && v <= 0.5));
  assert.deepEqual([...new Set(col(2))].sort(), ["4", "5", "6", "7", "8"]);
  assert.deepEqual([...new Set(col(3))].sort(), ["gpt-micro", "gpt-nano"]);
  assert.deepEqual([...new Set(col(4))].sort(), ["1", "2", "3"]);
  assert.deepEqual([...new Set(col(5))], ["1"]);
  assert.throws(() => randomTrials(["x=1"], { n: 0, seed: 1 }), /sweep.n must be a positive integer \(got 0\)/);
  assert.throws(
    () => randomTrials(["x=tag(log,interval(0,1))"], { n: 1, seed: 1 }),
    /log-scale interval needs positive bounds/,
  );
});

Deno.test("medianStop: worse than the median of the other trials at the same step stops; too few others never do", () => {
  const evals = [
    { trial: 0, step: 10, best: 2.0 },
    { trial: 1, step: 10, best: 2.4 },
    { trial: 2, step: 10, best: 2.2 },
    { trial: 0, step: 20, best: 1.5 },
  ];
  assert.deepEqual(medianStop(evals, { trial: 3, step: 10, best: 2.3 }), { stop: true, median: 2.2, others: 3 });
  assert.deepEqual(medianStop(evals, { trial: 3, step: 10, best: 2.2 }), { stop: false, median: 2.2, others: 3 });
  assert.deepEqual(medianStop(evals, { trial: 1, step: 10, best: 2.4 }), { stop: true, median: 2.1, others: 2 });
  assert.deepEqual(medianStop(evals, { trial: 3, step: 30, best: 9 }), { stop: false, median: null, others: 0 });
  assert.equal(medianStop(evals, { trial: 3, step: 10, best: 2.3 }, 4).stop, false, "fewer others than asked");
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
