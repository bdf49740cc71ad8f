import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { _interval, bootstrap, normalCdf, normalQuantile, pairedBootstrap } from "./bootstrap.ts";
import { getMetric } from "./metric_registry.ts";
import type { Metric } from "./metric.ts";

// A per-example "metric" over raw values, for checking intervals on known distributions.
const valueMean: Metric = {
  name: "value_mean",
  description: "mean of the references",
  kind: "per-example",
  higherIsBetter: true,
  reference: "test",
  perExample: (i) => i.references as number[],
  compute: (i) => (i.references as number[]).reduce((a, b) => a + b, 0) / i.references.length,
};

const fixtures = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/metrics_fixtures.json", import.meta.url)),
).bootstrap as Record<string, { data: number[]; runs: ScipyRun[] }>;
interface ScipyRun {
  method: "percentile" | "bca";
  resamples: number;
  low: number;
  high: number;
  distribution?: number[];
}

Deno.test("normal CDF and quantile agree with SciPy's ndtr and ndtri", () => {
  // scipy.special.ndtri(0.975), ndtri(0.001), ndtr(-1), ndtr(-5) (SciPy 1.10).
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-14);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-12);
  assert.ok(Math.abs(normalCdf(-1) - 0.15865525393145707) < 1e-15);
  assert.ok(Math.abs(normalCdf(-5) - 2.866515718791933e-7) / 2.866515718791933e-7 < 1e-12);
  for (const p of [1e-9, 0.01, 0.2, 0.5, 0.8, 0.999]) {
    assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-14 * (1 + p / 1e-9));
  }
});

Deno.test("intervals from SciPy's bootstrap distributions match SciPy's to 1e-9 (percentile and BCa, with ties)", () => {
  for (const [name, { data, runs }] of Object.entries(fixtures)) {
    const n = data.length, total = data.reduce((a, b) => a + b, 0);
    const jackknife = () => Float64Array.from(data, (x) => (total - x) / (n - 1));
    for (const run of runs.filter((r) => r.distribution)) {
      const got = _interval(Float64Array.from(run.distribution!), total / n, 0.95, run.method, jackknife);
      assert.ok(Math.abs(got.low - run.low) < 1e-9, `${name} ${run.method} low ${got.low} vs ${run.low}`);
      assert.ok(Math.abs(got.high - run.high) < 1e-9, `${name} ${run.method} high ${got.high} vs ${run.high}`);
    }
  }
});

Deno.test("bootstrap with its own resampling agrees with SciPy's 200,000-resample intervals", () => {
  const { data, runs } = fixtures.skewed!;
  for (const run of runs.filter((r) => r.resamples === 200_000)) {
    const r = bootstrap(valueMean, { predictions: data, references: data }, {
      samples: 20_000,
      seed: 1,
      method: run.method,
    });
    const width = run.high - run.low;
    // Monte Carlo error of a 2.5% quantile from 20,000 resamples: well under 3% of the width here.
    assert.ok(Math.abs(r.low - run.low) < 0.03 * width, `${run.method} low ${r.low} vs SciPy ${run.low}`);
    assert.ok(Math.abs(r.high - run.high) < 0.03 * width, `${run.method} high ${r.high} vs SciPy ${run.high}`);
  }
});

Deno.test("bootstrap: seeded, and the percentile interval of a mean matches the normal theory", () => {
  const rng = new Rng(3);
  const xs = Array.from({ length: 2000 }, () => 10 + 2 * rng.normal());
  const inputs = { predictions: xs, references: xs };
  const a = bootstrap(valueMean, inputs, { samples: 2000, seed: 5 });
  assert.deepEqual(bootstrap(valueMean, inputs, { samples: 2000, seed: 5 }), a);
  assert.notEqual(bootstrap(valueMean, inputs, { samples: 2000, seed: 6 }).low, a.low);
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - a.value) ** 2, 0) / (xs.length - 1));
  const half = 1.959964 * sd / Math.sqrt(xs.length);
  assert.ok(Math.abs(a.high - a.low - 2 * half) / (2 * half) < 0.1, `width ${a.high - a.low} vs ${2 * half}`);
  assert.ok(a.low < a.value && a.value < a.high);
});

Deno.test("bootstrap: BCa leans toward the long tail of skewed data; 95% intervals cover about 95%", () => {
  const rng = new Rng(4);
  const xs = Array.from({ length: 60 }, () => (-Math.log(1 - rng.next())) ** 2); // right-skewed
  const inputs = { predictions: xs, references: xs };
  const pct = bootstrap(valueMean, inputs, { samples: 4000, seed: 1 });
  const bca = bootstrap(valueMean, inputs, { samples: 4000, seed: 1, method: "bca" });
  assert.ok(
    bca.high > pct.high && bca.low > pct.low,
    `bca [${bca.low}, ${bca.high}] vs percentile [${pct.low}, ${pct.high}]`,
  );
  // Coverage of accuracy intervals on Bernoulli(0.7) data sets of 80 examples.
  let covered = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const refs = Array.from({ length: 80 }, () => (rng.next() < 0.7 ? 1 : 0));
    const r = bootstrap("accuracy", { predictions: refs.map(() => 1), references: refs }, { samples: 400, seed: t });
    if (r.low <= 0.7 && 0.7 <= r.high) covered++;
  }
  assert.ok(covered / trials > 0.88 && covered / trials < 0.99, `coverage ${covered / trials}`);
});

Deno.test("bootstrap: count rows, recomputation and per-example values give the same intervals", () => {
  const rng = new Rng(8);
  const refs = Array.from({ length: 120 }, () => rng.int(3));
  const preds = refs.map((r) => (rng.next() < 0.75 ? r : rng.int(3)));
  const inputs = { predictions: preds, references: refs, average: "macro" };
  const f1 = getMetric("f1");
  const { decompose: _, ...recomputed } = f1;
  for (const method of ["percentile", "bca"] as const) {
    const r = bootstrap(f1, inputs, { samples: 300, seed: 2, method });
    assert.equal(r.value, f1.compute(inputs));
    assert.ok(r.low < r.value && r.value < r.high && r.high - r.low < 0.3, `${method} [${r.low}, ${r.high}]`);
    // Same seed, same resamples: summing count rows is exactly recomputing F1 on each resample.
    assert.deepEqual(bootstrap(recomputed, inputs, { samples: 300, seed: 2, method }), r);
  }
  // Accuracy's one-pass draw picks the indices the two-pass path picks.
  const acc = getMetric("accuracy");
  const asRows: Metric = {
    ...acc,
    kind: "corpus",
    decompose: (i) => ({
      width: 1,
      rows: Float64Array.from(acc.perExample!(i)),
      score: (s) => s[0]! / i.references.length,
    }),
  };
  const a = bootstrap(acc, inputs, { samples: 300, seed: 4, method: "bca" });
  const b = bootstrap(asRows, inputs, { samples: 300, seed: 4, method: "bca" });
  assert.ok(
    Math.abs(a.low - b.low) < 1e-12 && Math.abs(a.high - b.high) < 1e-12,
    `${JSON.stringify(a)} ${JSON.stringify(b)}`,
  );
});

Deno.test("paired bootstrap: no difference gives p = 1; a better system gives a small p", () => {
  const rng = new Rng(9);
  const refs = Array.from({ length: 500 }, () => rng.int(2));
  const a = refs.map((r) => (rng.next() < 0.7 ? r : 1 - r));
  const b = refs.map((r, i) => (rng.next() < 0.5 ? r : a[i]!)); // b fixes about half of a's errors
  const same = pairedBootstrap("accuracy", { predictions: a, references: refs }, { predictions: a, references: refs }, {
    samples: 500,
  });
  assert.equal(same.difference, 0);
  assert.equal(same.pValue, 1);
  const better = pairedBootstrap(
    "accuracy",
    { predictions: a, references: refs },
    { predictions: b, references: refs },
    { samples: 1000, seed: 3 },
  );
  assert.ok(better.difference > 0.1 && better.low > 0 && better.pValue < 0.01, JSON.stringify(better));
  assert.throws(() => bootstrap("accuracy", { predictions: [1], references: [1] }), /at least 2 examples/);
  assert.throws(
    () => bootstrap("accuracy", { predictions: [1, 0], references: [1, 1] }, { level: 2 }),
    /level must be in \(0, 1\)/,
  );
});

Deno.test("bootstrap: resamples where a metric is undefined are left out and counted", () => {
  const inputs = {
    predictions: [1, 0, 1, 0, 1, 0, 1, 1],
    references: [1, 0, 1, 1, 1, 0, 0, 1],
    scores: [0.9, 0.2, 0.8, 0.4, 0.7, 0.1, 0.6, 0.95],
  };
  const r = bootstrap("roc_auc", inputs, { samples: 2000, seed: 1 });
  assert.ok(r.skipped > 0 && r.skipped < 200, `skipped ${r.skipped}`);
  assert.ok(r.low <= r.value && r.value <= r.high);
});
