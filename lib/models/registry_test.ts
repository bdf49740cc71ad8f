import assert from "node:assert/strict";
import { initBackend } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { createModel, listModels, modelPresets, registerModel, resolveModelConfig } from "./registry.ts";
import { Gpt } from "./gpt.ts";
import { GptConfigSchema } from "./registry.ts";

Deno.test("registry: presets with descriptions and Hugging Face's parameter counts", async () => {
  await initBackend("cpu");
  const models = listModels();
  const byName = new Map(models.map((m) => [m.name, m]));
  for (const name of ["gpt-nano", "gpt-micro", "gpt-mini", "gpt2"]) {
    const m = byName.get(name);
    assert.ok(m, `${name} is registered`);
    assert.ok(m.description.length > 10);
  }
  // GPT-2 small with tied embeddings: 124,439,808 parameters, as Hugging Face reports.
  assert.equal(byName.get("gpt2")!.params, 124_439_808);
  const micro = createModel("gpt-micro");
  assert.equal(micro.countParams(), byName.get("gpt-micro")!.params);
  assert.equal(micro.countParams(), 812_160 - 83 * 128 + 83 * 128); // 0.81 M at an 83-symbol vocabulary
  micro.dispose();
  assert.ok(!("vocab_size" in modelPresets()["gpt-micro"]!), "the tokenizer sets an LM's vocab_size");
});

Deno.test("registry: bad names and configs get errors naming the key, the rule and the value", () => {
  assert.throws(() => createModel("gpt-huge"), /unknown model "gpt-huge" \(known: .*gpt-nano.*\)/);
  assert.throws(
    () => resolveModelConfig("gpt-micro", { n_head: 5 }),
    /Cannot create model gpt-micro: n_head must divide n_embd \(got 5\)/,
  );
  assert.throws(() => resolveModelConfig("gpt-micro", { dropout: 1.5 }), /dropout .* \(got 1.5\)/);
  assert.throws(() => resolveModelConfig("gpt-micro", { n_layr: 2 }), /Cannot create model gpt-micro: .*n_layr/);
});

Deno.test("registry: users register their own model", async () => {
  await initBackend("cpu");
  registerModel({
    name: "test-tiny-gpt",
    description: "a one-layer GPT registered from a test",
    family: "gpt",
    task: "language-modeling",
    defaults: { vocab_size: 7, block_size: 8, n_layer: 1, n_head: 1, n_embd: 8, dropout: 0 },
    schema: GptConfigSchema,
    create: (c, rng) => Gpt.create(c as never, rng),
  });
  const m = createModel("test-tiny-gpt", { n_embd: 16 }, new Rng(1));
  assert.equal(m.config.n_embd, 16);
  assert.throws(
    () => registerModel({ ...listModels()[0]!, schema: GptConfigSchema, create: () => m }),
    /already registered/,
  );
  m.dispose();
});
