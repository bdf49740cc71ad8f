import { modelSuite } from "./model_suite.ts";

modelSuite("gpt-nano", { vocab_size: 11, block_size: 16 }, { kind: "lm" });
// GPT-2's shape, scaled down (the 124 M model itself builds and counts in registry_test.ts).
modelSuite("gpt2", { vocab_size: 13, block_size: 16, n_layer: 2, n_head: 2, n_embd: 16 }, { kind: "lm" });
