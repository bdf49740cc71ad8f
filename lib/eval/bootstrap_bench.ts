// Bootstrap speed: `deno bench lib/eval/bootstrap_bench.ts`.
// Each group has a reference measured in the same run, so the ratios hold on any machine:
// - 10,000 resamples x 10,000 examples of accuracy, against a bare loop that only draws the
//   10^8 indices with the same Rng and adds up the per-example values (the floor of any bootstrap);
// - macro F1 (a corpus metric) resampled through its per-example count rows, against
//   recomputing the metric on each resample (what a metric without `decompose` costs).
import { bootstrap } from "./bootstrap.ts";
import { getMetric } from "./metric_registry.ts";
import type { Metric } from "./metric.ts";
import { Rng } from "../random/mod.ts";

const rng = new Rng(1);
const n = 10_000;
const references = Array.from({ length: n }, () => rng.int(2));
const predictions = references.map((r) => (rng.next() < 0.8 ? r : 1 - r));
const correct = Float64Array.from(references, (r, i) => (r === predictions[i] ? 1 : 0));

Deno.bench({
  name: "reference: draw 10,000 x 10,000 indices and sum (no metric)",
  group: "10,000 resamples x 10,000 examples",
  baseline: true,
  fn: () => {
    const r = new Rng(1), out = new Float64Array(10_000);
    for (let b = 0; b < 10_000; b++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += correct[Math.floor((r.nextU32() * n) / 4294967296)]!;
      out[b] = s / n;
    }
    if (out.sort()[250]! <= 0) throw new Error("unreachable");
  },
});

Deno.bench({
  name: "bootstrap accuracy, percentile",
  group: "10,000 resamples x 10,000 examples",
  fn: () => {
    bootstrap("accuracy", { predictions, references }, { samples: 10_000, seed: 1 });
  },
});

Deno.bench({
  name: "bootstrap accuracy, BCa",
  group: "10,000 resamples x 10,000 examples",
  fn: () => {
    bootstrap("accuracy", { predictions, references }, { samples: 10_000, seed: 1, method: "bca" });
  },
});

const classes = references.map((r, i) => (r + (i % 3)) % 4);
const guesses = classes.map((c) => (rng.next() < 0.7 ? c : rng.int(4)));
const f1 = getMetric("f1");
const { decompose: _, ...recomputed } = f1;
const inputs = { predictions: guesses, references: classes, average: "macro" };

Deno.bench({
  name: "reference: macro F1 recomputed on each resample",
  group: "macro F1, 100 resamples x 10,000 examples",
  baseline: true,
  fn: () => {
    bootstrap(recomputed as Metric, inputs, { samples: 100, seed: 1 });
  },
});

Deno.bench({
  name: "macro F1 through its count rows (decompose)",
  group: "macro F1, 100 resamples x 10,000 examples",
  fn: () => {
    bootstrap(f1, inputs, { samples: 100, seed: 1 });
  },
});
