// Every built-in metric against its reference (see testdata/metrics_fixtures.json
// for where each expected value came from).
import assert from "node:assert/strict";
import { getMetric, listMetrics, loadMetricPlugin, registerMetric } from "./metric_registry.ts";
import { corpusBleu, corpusChrf, normalizeAnswer, tokenize13a } from "./text_metrics.ts";

const fixtures = JSON.parse(await Deno.readTextFile(new URL("./testdata/metrics_fixtures.json", import.meta.url)));
const close = (a: number, b: number, what: string, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("classification metrics match scikit-learn to 1e-6", () => {
  let checked = 0;
  for (const c of fixtures.classification) {
    const inputs = { predictions: c.predictions, references: c.references, scores: c.scores, pos_label: c.pos_label };
    for (const [key, want] of Object.entries(c.expected as Record<string, unknown>)) {
      const [name, average] = key.split("/");
      const got = getMetric(name!).compute({ ...inputs, ...(average ? { average } : {}) });
      if (name === "confusion_matrix") {
        assert.deepEqual((got as { matrix: number[][] }).matrix, want, `${c.name} ${key}`);
      } else close(got as number, want as number, `${c.name} ${key}`);
      checked++;
    }
  }
  assert.ok(checked >= 35, `${checked} values checked`);
});

Deno.test("BLEU and chrF: sacreBLEU's published values, and NLTK's unsmoothed core to 1e-6", () => {
  // sacreBLEU README example: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17
  // ref_len = 18)" and "chrF2 = 59.73".
  const hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
  const r1 = ["The dog bit the man.", "It was not unexpected.", "The man bit him first."];
  const r2 = ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."];
  const refs = hyps.map((_, i) => [r1[i]!, r2[i]!]);
  const b = corpusBleu(hyps, refs);
  assert.equal(b.score.toFixed(2), "48.53");
  assert.deepEqual(b.precisions.map((p) => p.toFixed(1)), ["82.4", "50.0", "45.5", "37.5"]);
  assert.equal(b.bp.toFixed(3), "0.943");
  assert.deepEqual([b.sysLen, b.refLen], [17, 18]);
  assert.equal(corpusChrf(hyps, refs).toFixed(2), "59.73");
  assert.equal(getMetric("bleu").compute({ predictions: hyps, references: refs }), b.score);
  const core = fixtures.bleu_core;
  const ours = corpusBleu(core.hypotheses, core.references, { tokenize: "none", smooth: "none" }).score / 100;
  close(ours, core.expected_nltk_corpus_bleu, "NLTK corpus_bleu");
  assert.deepEqual(tokenize13a("Hello, world! It's 3.5-4 (ok)."), [
    "Hello",
    ",",
    "world",
    "!",
    "It's",
    "3.5",
    "-",
    "4",
    "(",
    "ok",
    ")",
    ".",
  ]);
});

Deno.test("language-model metrics match PyTorch's cross_entropy with ignore_index", () => {
  const { logits, targets, cross_entropy, token_accuracy } = fixtures.lm;
  const inputs = { predictions: [], references: targets, scores: logits };
  close(getMetric("cross_entropy").compute(inputs) as number, cross_entropy, "cross_entropy", 1e-9);
  close(getMetric("perplexity").compute(inputs) as number, Math.exp(cross_entropy), "perplexity", 1e-8);
  close(getMetric("token_accuracy").compute(inputs) as number, token_accuracy, "token_accuracy", 1e-12);
});

Deno.test("exact match, token F1 and ROUGE-L follow SQuAD and Lin (2004) on hand-checked cases", () => {
  assert.equal(normalizeAnswer("The  Whale, a ship!"), "whale ship");
  const em = getMetric("exact_match").compute({
    predictions: ["the Pequod", "Ahab"],
    references: [["Pequod"], "Starbuck"],
  });
  assert.equal(em, 0.5);
  // token F1: "white whale" vs "the great white whale": P = 2/2, R = 2/3 -> F1 = 0.8
  close(
    getMetric("token_f1").compute({ predictions: ["white whale"], references: ["the great white whale"] }) as number,
    0.8,
    "f1",
  );
  // ROUGE-L: LCS("the cat sat on mat", "the cat was on the mat") = 4 (the cat on mat): P = 4/5, R = 4/6
  const rl = getMetric("rouge_l").compute({
    predictions: ["The cat sat on mat"],
    references: ["the cat was on the mat"],
  });
  close(rl as number, (2 * 0.8 * (4 / 6)) / (0.8 + 4 / 6), "rouge_l");
  // distinct-2 of "a b a b" and "a b": bigrams ab, ba, ab, ab -> 2 distinct of 4
  assert.equal(getMetric("distinct_2").compute({ predictions: ["a b a b", "a b"], references: [] }), 0.5);
  assert.equal(getMetric("distinct_1").compute({ predictions: ["a b a b", "a b"], references: [] }), 2 / 6);
});

Deno.test("bad input names the metric and the problem; undefined metrics say so", () => {
  assert.throws(
    () => getMetric("f1").compute({ predictions: [1, 0], references: [1] }),
    /Cannot compute f1: predictions has 2 items and references 1/,
  );
  assert.throws(
    () => getMetric("accuracy").compute({ predictions: [], references: [] }),
    /Cannot compute accuracy: there are no examples/,
  );
  assert.throws(
    () => getMetric("roc_auc").compute({ predictions: [1, 1], references: [1, 1], scores: [0.2, 0.9] }),
    /roc_auc: it is undefined when the references hold one class only/,
  );
  assert.throws(
    () => getMetric("log_loss").compute({ predictions: [0, 1], references: [0, 1], scores: [0.2, NaN] }),
    /log_loss: score 1 is not a finite number/,
  );
  assert.throws(
    () =>
      getMetric("log_loss").compute({
        predictions: [0, 2],
        references: [0, 2],
        scores: [[0.5, 0.5], [0.1, 0.9]],
        labels: [0, 1],
      }),
    /reference 1 \(2\) is not one of the labels/,
  );
  assert.throws(
    () => getMetric("f1").compute({ predictions: [0, 1, 2], references: [0, 1, 2] }),
    /average "binary" needs 2 classes \(found 3/,
  );
  assert.throws(() => getMetric("bleuu"), /Cannot find metric "bleuu" \(known: .*bleu/);
});

Deno.test("registry: aliases, local metrics, plugins and clash policies", async () => {
  assert.equal(getMetric("ppl").name, "perplexity");
  assert.ok(listMetrics().some((m) => m.name === "f1" && m.aliases.includes("f1_score") && m.kind === "corpus"));
  const mine = {
    name: "always_one",
    description: "1",
    kind: "corpus" as const,
    higherIsBetter: true,
    reference: "test",
    compute: () => 1,
  };
  registerMetric(mine);
  assert.throws(() => registerMetric(mine), /already registered \(local\)/);
  const dir = await Deno.makeTempDir();
  const plugin = `${dir}/plugin.ts`;
  await Deno.writeTextFile(
    plugin,
    `export const metrics = [
    { name: "always_one", description: "2", kind: "corpus", higherIsBetter: true, reference: "plugin", compute: () => 2 },
    { name: "plugin_metric", description: "3", kind: "corpus", higherIsBetter: true, reference: "plugin", compute: () => 3 },
  ];`,
  );
  await assert.rejects(() => loadMetricPlugin(plugin), /"always_one" is already registered/);
  assert.deepEqual(await loadMetricPlugin(plugin, { onClash: "prefer-local" }), ["plugin_metric"]);
  assert.equal(getMetric("always_one").compute({ predictions: [], references: [] }), 1);
  await loadMetricPlugin(plugin, { onClash: "prefer-plugin" });
  assert.equal(getMetric("always_one").compute({ predictions: [], references: [] }), 2);
  await assert.rejects(() => loadMetricPlugin(`${dir}/missing.ts`), /Cannot load metric plugin .*missing.ts/);
  await Deno.remove(dir, { recursive: true });
});
