// Every built-in metric against its reference: testdata/metrics_fixtures.json (computed here by
// make_fixtures.py with scikit-learn, NLTK, PyTorch and transcriptions of the SQuAD and rouge-score
// scripts) and testdata/published_values.json (values published with sacreBLEU and rouge-score).
import assert from "node:assert/strict";
import { getMetric } from "./metric_registry.ts";
import type { MetricInputs } from "./metric.ts";
import { corpusBleu, corpusChrf, tokenize13a } from "./text_metrics.ts";

const read = async (f: string) => JSON.parse(await Deno.readTextFile(new URL(`./testdata/${f}`, import.meta.url)));
const fixtures = await read("metrics_fixtures.json");
const published = await read("published_values.json");
const close = (a: number, b: number, what: string, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
const value = (name: string, inputs: MetricInputs) => getMetric(name).compute(inputs) as number;

Deno.test("classification metrics match scikit-learn to 1e-6", () => {
  let checked = 0;
  for (const c of fixtures.classification) {
    const inputs = {
      predictions: c.predictions,
      references: c.references,
      ...(c.scores ? { scores: c.scores } : {}),
      ...(c.pos_label ? { pos_label: c.pos_label } : {}),
    };
    for (const [key, want] of Object.entries(c.expected as Record<string, unknown>)) {
      const [name, average] = key.split("/");
      const got = getMetric(name!).compute({ ...inputs, ...(average ? { average } : {}) });
      if (name === "confusion_matrix") {
        assert.deepEqual((got as { matrix: number[][] }).matrix, want, `${c.name} ${key}`);
      } else close(got as number, want as number, `${c.name} ${key}`);
      checked++;
    }
  }
  assert.equal(checked, 49);
});

Deno.test("BLEU matches NLTK's corpus_bleu with mteval smoothing on 13a tokens to 1e-6", () => {
  for (const c of fixtures.bleu) {
    c.hypotheses.forEach((h: string, i: number) =>
      assert.equal(tokenize13a(h.trimEnd()).join(" "), c.tokens[i], `13a tokens of ${JSON.stringify(h)}`)
    );
    close(value("bleu", { predictions: c.hypotheses, references: c.references }), c.expected_bleu, "bleu");
  }
  // The second case has no 2-, 3- or 4-gram match: mteval smoothing divides by 2, 4 and 8.
  assert.deepEqual(
    corpusBleu(fixtures.bleu[1].hypotheses, fixtures.bleu[1].references).precisions.map((p) => +p.toFixed(6)),
    [100, 100 / 2 / 8, 100 / 4 / 6, 100 / 8 / 4].map((p) => +p.toFixed(6)),
  );
});

Deno.test("BLEU matches sacreBLEU's published test values", () => {
  const b = published.bleu;
  for (const c of b.corpus) {
    close(
      value("bleu", { predictions: c.hypotheses, references: c.references, ...c.options }),
      c.expected,
      "bleu",
      c.tolerance,
    );
  }
  const readme = corpusBleu(b.corpus[0].hypotheses, b.corpus[0].references);
  assert.deepEqual(readme.precisions.map((p) => p.toFixed(1)), b.readme_parts.precisions);
  assert.equal(readme.bp.toFixed(3), b.readme_parts.bp);
  assert.deepEqual([readme.sysLen, readme.refLen], [b.readme_parts.sys_len, b.readme_parts.ref_len]);
  // Sufficient statistics: [sys_len, ref_len, correct_1..4, total_1..4].
  const st = getMetric("bleu").decompose!({
    predictions: [b.statistics.hypothesis],
    references: [b.statistics.reference],
    tokenize: "none",
  });
  assert.deepEqual([...st.rows.subarray(2)], [...b.statistics.correct, ...b.statistics.total]);
  const s = b.scoring;
  close(
    st.score(Float64Array.from([s.sys_len, s.ref_len, ...s.correct, ...s.total])),
    s.expected,
    "compute_bleu",
    1e-8,
  );
});

Deno.test("chrF matches sacreBLEU's published test values", () => {
  for (const c of published.chrf.cases) {
    const got = value("chrf", { predictions: c.hypotheses, references: c.references, ...c.options });
    close(got, c.expected, `chrf ${JSON.stringify(c.hypotheses)} ${JSON.stringify(c.options)}`, c.tolerance);
  }
  assert.equal(corpusChrf(["a b c"], [["abc"]], { beta: 3 }), 100);
});

Deno.test("exact match and token F1 match the SQuAD v2.0 script to 1e-6", () => {
  const { predictions, references, exact_match, token_f1 } = fixtures.squad;
  const inputs = { predictions, references };
  assert.deepEqual(getMetric("exact_match").perExample!(inputs), exact_match);
  getMetric("token_f1").perExample!(inputs).forEach((v, i) => close(v, token_f1[i], `token_f1 ${i}`));
  close(value("token_f1", inputs), token_f1.reduce((a: number, b: number) => a + b, 0) / token_f1.length, "mean");
});

Deno.test("ROUGE-L matches rouge-score (transcribed to 1e-6, ROUGE-1.5.5's published values to 5e-6)", () => {
  const { predictions, references, rouge_l } = fixtures.rouge;
  getMetric("rouge_l").perExample!({ predictions, references }).forEach((v, i) => close(v, rouge_l[i], `rouge_l ${i}`));
  for (const c of published.rouge_l.cases) {
    close(
      value("rouge_l", { predictions: [c.prediction], references: [c.reference] }),
      c.expected,
      "rouge_l",
      c.tolerance,
    );
  }
});

Deno.test("distinct-1/2 match Li et al.'s definition", () => {
  const { predictions, distinct_1, distinct_2 } = fixtures.distinct;
  close(value("distinct_1", { predictions, references: [] }), distinct_1, "distinct_1", 1e-12);
  close(value("distinct_2", { predictions, references: [] }), distinct_2, "distinct_2", 1e-12);
});

Deno.test("language-model metrics match PyTorch's cross_entropy with ignore_index", () => {
  const { logits, targets, cross_entropy, token_accuracy } = fixtures.lm;
  const inputs = { predictions: [], references: targets, scores: logits };
  close(value("cross_entropy", inputs), cross_entropy, "cross_entropy", 1e-9);
  close(value("perplexity", inputs), Math.exp(cross_entropy), "perplexity", 1e-8);
  close(value("token_accuracy", inputs), token_accuracy, "token_accuracy", 1e-12);
});

Deno.test("decomposed corpus metrics give the value compute gives on any subset", () => {
  const c = fixtures.classification[2];
  const idx = [5, 5, 9, 200, 17, 17, 17, 42, 299, 0];
  const pick = <T>(a: T[]) => idx.map((i) => a[i]!);
  const cases: [string, Record<string, unknown>][] = [["f1", { average: "macro" }], ["precision", {
    average: "weighted",
  }], ["ece", { labels: [0, 1, 2, 3] }]];
  for (const [name, options] of cases) {
    const m = getMetric(name);
    const d = m.decompose!({ predictions: c.predictions, references: c.references, scores: c.scores, ...options });
    const sums = new Float64Array(d.width);
    for (const i of idx) for (let j = 0; j < d.width; j++) sums[j]! += d.rows[i * d.width + j]!;
    const direct = m.compute({
      predictions: pick(c.predictions),
      references: pick(c.references),
      scores: pick(c.scores),
      ...options,
    });
    close(d.score(sums), direct as number, `${name} on a resample`, 1e-12);
  }
});

Deno.test("bad input names the metric and the problem; undefined metrics say so", () => {
  const cases: [() => unknown, RegExp][] = [
    [
      () => value("f1", { predictions: [1, 0], references: [1] }),
      /Cannot compute f1: predictions has 2 items and references 1$/,
    ],
    [() => value("accuracy", { predictions: [], references: [] }), /Cannot compute accuracy: there are no examples$/],
    [
      () => value("roc_auc", { predictions: [1, 1], references: [1, 1], scores: [0.2, 0.9] }),
      /Cannot compute roc_auc: it is undefined when the references hold one class only \(1\)$/,
    ],
    [
      () => value("log_loss", { predictions: [0, 1], references: [0, 1], scores: [0.2, NaN] }),
      /Cannot compute log_loss: score 1 is not a finite number \(null\)$/,
    ],
    [
      () =>
        value("log_loss", {
          predictions: [0, 2],
          references: [0, 2],
          scores: [[0.5, 0.5], [0.1, 0.9]],
          labels: [0, 1],
        }),
      /Cannot compute log_loss: reference 1 \(2\) is not one of the labels \(0, 1\)$/,
    ],
    [
      () => value("f1", { predictions: [0, 1, 2], references: [0, 1, 2] }),
      /Cannot compute f1: average "binary" needs 2 classes \(found 3: 0, 1, 2\); use macro, micro or weighted$/,
    ],
    [
      () => value("f1", { predictions: ["spam", "ham"], references: ["ham", "spam"] }),
      /Cannot compute f1: pos_label 1 is not one of the labels \(ham, spam\)$/,
    ],
    [() => value("f1", { predictions: [1, 0], references: [1, 0], average: "mean" }), /average must be binary, macro/],
    [
      () =>
        value("roc_auc", {
          predictions: [0, 1, 2],
          references: [0, 1, 2],
          scores: [[0.5, 0.5, 0.5], [0, 1, 0], [0, 0, 1]],
        }),
      /Cannot compute roc_auc: score row 0 sums to 1.5; one-vs-rest needs probabilities$/,
    ],
    [
      () => value("bleu", { predictions: ["a b"], references: [[3]] }),
      /Cannot compute bleu: reference 0 must be a string/,
    ],
    [
      () => value("cross_entropy", { predictions: [], references: [7], scores: [[0, 1]] }),
      /target 0 is 7, outside 0\.\.1/,
    ],
    [() => getMetric("bleuu"), /Cannot find metric "bleuu" \(known: .*bleu/],
  ];
  for (const [f, msg] of cases) assert.throws(f, msg);
});
