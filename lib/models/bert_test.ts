import assert from "node:assert/strict";
import { modelSuite } from "./model_suite.ts";
import { listModels } from "./registry.ts";

modelSuite("minilm", {
  vocab_size: 20,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 32,
  max_position_embeddings: 16,
}, { kind: "cls" });

Deno.test("minilm: the default is all-MiniLM-L6-v2's shape (22,713,216 encoder parameters) plus a 2-class head", () => {
  const m = listModels().find((e) => e.name === "minilm")!;
  assert.equal(m.params, 22_713_216 + 384 * 2 + 2);
});
