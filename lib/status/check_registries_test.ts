import assert from "node:assert/strict";
import { z } from "zod";
import { registerModel } from "../models/mod.ts";
import { checkRegistries } from "./check_registries.ts";

Deno.test("checkRegistries: every registry's entries, small models built, an entry that fails is a finding", async () => {
  registerModel({
    name: "zz-broken-fixture",
    description: "a model whose defaults its own schema rejects",
    family: "gpt",
    task: "language-modeling",
    defaults: { vocab_size: 0 },
    schema: z.strictObject({ vocab_size: z.number().int().positive() }) as never,
    create: () => {
      throw new Error("unreachable");
    },
    countParams: () => 0,
  }, { replace: true });
  const { entries, findings } = await checkRegistries({ loadData: false });
  const names = (registry: string) => entries.filter((e) => e.registry === registry).map((e) => e.name);
  assert.deepEqual(names("models"), [
    "bow-linear",
    "char-lstm",
    "gpt-micro",
    "gpt-mini",
    "gpt-nano",
    "gpt2",
    "minilm",
    "zz-broken-fixture",
  ]);
  assert.deepEqual(names("datasets"), ["first-names", "moby-dick", "sotu", "spam-assassin"]);
  assert.deepEqual(names("tokenizers"), ["bpe", "char", "gpt2", "word", "wordpiece"]);
  assert.ok(names("metrics").includes("accuracy") && names("metrics").includes("perplexity"));
  assert.deepEqual(names("trackers"), ["mlflow", "ndjson", "tensorboard"]);
  const detail = (name: string) => entries.find((e) => e.name === name)?.detail;
  assert.equal(detail("gpt-nano"), "gpt, language-modeling, 91,968 params, built");
  assert.equal(detail("gpt2"), "gpt, language-modeling, 124,439,808 params");
  assert.equal(detail("moby-dick"), "language-modeling (not loaded)");
  assert.ok(entries.filter((e) => e.name !== "zz-broken-fixture").every((e) => e.ok));
  assert.deepEqual(findings.map((f) => [f.kind, f.rule, f.path, f.symbol]), [
    ["registry", "load_failed", "lib/models/registry.ts", "models/zz-broken-fixture"],
  ]);
  assert.match(
    findings[0]!.message,
    /^models entry zz-broken-fixture does not load: Cannot create model zz-broken-fixture/,
  );
});
