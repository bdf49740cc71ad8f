// 10,000 resamples over 10,000 examples: a per-example metric's interval.
import { bootstrap } from "./bootstrap.ts";
import { Rng } from "../random/mod.ts";

const rng = new Rng(1);
const n = 10_000;
const references = Array.from({ length: n }, () => rng.int(2));
const predictions = references.map((r) => (rng.next() < 0.8 ? r : 1 - r));

Deno.bench("bootstrap accuracy: 10,000 resamples x 10,000 examples, percentile", () => {
  bootstrap("accuracy", { predictions, references }, { samples: 10_000, seed: 1 });
});

Deno.bench("bootstrap accuracy: 10,000 resamples x 10,000 examples, BCa", () => {
  bootstrap("accuracy", { predictions, references }, { samples: 10_000, seed: 1, method: "bca" });
});
