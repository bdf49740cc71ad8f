import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { bootstrap, normalCdf, normalQuantile, pairedBootstrap } from "./bootstrap.ts";
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

Deno.test("normal CDF and quantile agree with published values", () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-8);
  assert.ok(Math.abs(normalCdf(1.959963985) - 0.975) < 2e-7);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655254) < 2e-7);
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

Deno.test("bootstrap: corpus metrics are recomputed per resample (BCa via the jackknife)", () => {
  const rng = new Rng(8);
  const refs = Array.from({ length: 120 }, () => rng.int(3));
  const preds = refs.map((r) => (rng.next() < 0.75 ? r : rng.int(3)));
  const inputs = { predictions: preds, references: refs, average: "macro" };
  const value = getMetric("f1").compute(inputs) as number;
  for (const method of ["percentile", "bca"] as const) {
    const r = bootstrap("f1", inputs, { samples: 300, seed: 2, method });
    assert.equal(r.value, value);
    assert.ok(r.low < value && value < r.high && r.high - r.low < 0.3, `${method} [${r.low}, ${r.high}]`);
  }
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
