import assert from "node:assert/strict";
import { aliasMetric, getMetric, listMetrics, loadMetricPlugin, registerMetric } from "./metric_registry.ts";
import type { Metric } from "./metric.ts";

const constant = (name: string, value: number, reference = "test"): Metric => ({
  name,
  description: String(value),
  kind: "corpus",
  higherIsBetter: true,
  reference,
  compute: () => value,
});
const run = (name: string) => getMetric(name).compute({ predictions: [], references: [] });

Deno.test("registry: every built-in metric of the issue is listed with its kind and direction", () => {
  const byName = new Map(listMetrics().map((m) => [m.name, m]));
  for (
    const name of [
      "accuracy",
      "precision",
      "recall",
      "f1",
      "confusion_matrix",
      "roc_auc",
      "log_loss",
      "ece",
      "cross_entropy",
      "perplexity",
      "token_accuracy",
      "exact_match",
      "token_f1",
      "bleu",
      "chrf",
      "rouge_l",
      "distinct_1",
      "distinct_2",
    ]
  ) assert.equal(byName.get(name)?.origin, "builtin", name);
  assert.equal(byName.get("accuracy")!.kind, "per-example");
  assert.equal(byName.get("bleu")!.kind, "corpus");
  assert.equal(byName.get("perplexity")!.higherIsBetter, false);
  assert.deepEqual(byName.get("f1")!.aliases, ["f1_score"]);
  assert.equal(getMetric("ppl").name, "perplexity");
});

Deno.test("registry: local metrics, aliases, and the clash policies of plugins", async () => {
  registerMetric(constant("always_one", 1));
  assert.throws(
    () => registerMetric(constant("always_one", 5)),
    /^Error: Cannot register metric: "always_one" is already registered \(local\); choose a clash policy/,
  );
  aliasMetric("one", "always_one");
  assert.equal(run("one"), 1);
  assert.throws(() => aliasMetric("one", "accuracy"), /Cannot alias metric: "one" is already an alias of always_one/);
  assert.throws(() => aliasMetric("x", "nope"), /Cannot alias metric: unknown metric "nope"/);

  const dir = await Deno.makeTempDir();
  const plugin = `${dir}/plugin.ts`;
  await Deno.writeTextFile(
    plugin,
    `export const metrics = [
      { name: "always_one", description: "2", kind: "corpus", higherIsBetter: true, reference: "plugin", compute: () => 2 },
      { name: "plugin_metric", description: "3", kind: "corpus", higherIsBetter: true, reference: "plugin", compute: () => 3 },
    ];`,
  );
  await assert.rejects(() => loadMetricPlugin(plugin), /"always_one" is already registered \(local\)/);
  assert.deepEqual(await loadMetricPlugin(plugin, { onClash: "prefer-local" }), ["plugin_metric"]);
  assert.equal(run("always_one"), 1);
  assert.equal(run("plugin_metric"), 3);
  assert.deepEqual(await loadMetricPlugin(plugin, { onClash: "prefer-plugin" }), ["always_one", "plugin_metric"]);
  assert.equal(run("always_one"), 2);
  assert.equal(listMetrics().find((m) => m.name === "always_one")!.origin, "plugin");
  // A local metric does not replace a plugin's under prefer-plugin; shadow replaces it and warns.
  registerMetric(constant("always_one", 4), { onClash: "prefer-plugin" });
  assert.equal(run("always_one"), 2);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  try {
    registerMetric(constant("always_one", 4), { onClash: "shadow" });
  } finally {
    console.warn = warn;
  }
  assert.equal(run("always_one"), 4);
  assert.deepEqual(warnings, ['Metric "always_one" (plugin) is shadowed by a local metric']);

  await Deno.writeTextFile(
    `${dir}/bad.ts`,
    `export const metrics = [{ name: "x", kind: "sometimes", compute: () => 1 }];`,
  );
  await assert.rejects(
    () => loadMetricPlugin(`${dir}/bad.ts`),
    /metrics\[0\] \("x"\): kind must be per-example or corpus/,
  );
  await Deno.writeTextFile(`${dir}/none.ts`, `export const answer = 42;`);
  await assert.rejects(() => loadMetricPlugin(`${dir}/none.ts`), /none.ts: it exports no metrics array/);
  await assert.rejects(() => loadMetricPlugin(`${dir}/missing.ts`), /Cannot load metric plugin .*missing.ts: /);
  await Deno.remove(dir, { recursive: true });
});
