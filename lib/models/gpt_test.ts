import assert from "node:assert/strict";
import { initBackend } from "../backend/mod.ts";
import { incrementalSuite } from "./incremental_suite.ts";
import { modelSuite } from "./model_suite.ts";
import { createModel } from "./registry.ts";

modelSuite("gpt-nano", { vocab_size: 11, block_size: 16 }, { kind: "lm" });
// GPT-2's shape, scaled down (the 124 M model itself is built below).
modelSuite("gpt2", { vocab_size: 13, block_size: 16, n_layer: 2, n_head: 2, n_embd: 16 }, { kind: "lm" });

Deno.test("gpt2: the full model builds with Hugging Face's shapes and counts 124,439,808 parameters", async () => {
  await initBackend("cpu");
  const m = createModel("gpt2");
  try {
    assert.equal(m.countParams(), 124_439_808);
    assert.equal(m.params.size, 2 + 12 * 12 + 2);
    assert.deepEqual(m.params.get("wte.weight")!.shape, [50257, 768]);
    assert.deepEqual(m.params.get("wpe.weight")!.shape, [1024, 768]);
    assert.deepEqual(m.params.get("h.11.attn.c_attn.weight")!.shape, [768, 2304]);
    assert.deepEqual(m.params.get("h.11.mlp.c_proj.weight")!.shape, [3072, 768]);
  } finally {
    m.dispose();
  }
});

incrementalSuite("gpt-nano", { vocab_size: 11, block_size: 10 });
