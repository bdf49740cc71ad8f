import assert from "node:assert/strict";
import { LM_METRICS } from "./lm_metrics.ts";

const metric = (name: string) => LM_METRICS.find((m) => m.name === name)!;
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

// Two rows of logits ln([0.5, 0.25, 0.25]) and ln([0.1, 0.2, 0.7]); the middle target is ignored.
const ln = Math.log;
const inputs = {
  predictions: [],
  references: [0, -100, 1],
  scores: [[ln(0.5), ln(0.25), ln(0.25)], [9, 9, 9], [ln(0.1), ln(0.2), ln(0.7)]],
};

Deno.test("LM_METRICS: cross-entropy, perplexity and token accuracy by hand, skipping ignore_index", () => {
  assert.deepEqual(LM_METRICS.map((m) => m.name), ["cross_entropy", "perplexity", "token_accuracy"]);
  const ce = -(ln(0.5) + ln(0.2)) / 2;
  close(metric("cross_entropy").compute(inputs) as number, ce, "cross_entropy");
  close(metric("perplexity").compute(inputs) as number, Math.exp(ce), "perplexity");
  close(metric("perplexity").fromMean!(ce), Math.exp(ce), "perplexity from the mean NLL");
  assert.equal(metric("token_accuracy").compute(inputs), 0.5);
  assert.deepEqual(metric("token_accuracy").perExample!(inputs), [1, 0]);
  const nll = metric("cross_entropy").perExample!(inputs);
  close(nll[0]!, -ln(0.5), "nll 0");
  close(nll[1]!, -ln(0.2), "nll 1");
  // a custom ignore_index; shifted logits give the same NLL
  const shifted = { predictions: [], references: [2, 1], scores: [[1000, 1001, 1002], [0, 0, 0]], ignore_index: 2 };
  close(metric("cross_entropy").compute(shifted) as number, ln(3), "uniform row");
  assert.equal(metric("cross_entropy").higherIsBetter, false);
  assert.equal(metric("token_accuracy").higherIsBetter, true);
});

Deno.test("LM_METRICS: bad inputs name the metric and the problem", () => {
  const ce = metric("cross_entropy"), acc = metric("token_accuracy");
  const cases: [() => unknown, string, ErrorConstructor][] = [
    [
      () => ce.compute({ predictions: [], references: [0] }),
      "Cannot compute cross_entropy: it needs references (target ids) and scores (a logit row per target)",
      TypeError,
    ],
    [
      () => acc.compute({ predictions: [], references: [0, 1], scores: [[0, 1]] }),
      "Cannot compute token_accuracy: scores has 1 rows and references 2",
      RangeError,
    ],
    [
      () => ce.compute({ predictions: [], references: [0.5], scores: [[0, 1]] }),
      "Cannot compute cross_entropy: target 0 is 0.5, outside 0..1",
      RangeError,
    ],
    [
      () => ce.compute({ predictions: [], references: [1, 0], scores: [[0, 1], [NaN, 0]] }),
      "Cannot compute cross_entropy: logit row 1 is not finite",
      RangeError,
    ],
    [
      () => acc.compute({ predictions: [], references: [-100], scores: [[0, 1]] }),
      "Cannot compute token_accuracy: every target is ignore_index -100",
      RangeError,
    ],
  ];
  for (const [f, message, type] of cases) {
    assert.throws(f, (err: unknown) => err instanceof type && (err as Error).message === message, message);
  }
});
