import { modelSuite } from "./model_suite.ts";

modelSuite("char-lstm", { vocab_size: 11, block_size: 8, n_embd: 8, n_hidden: 16, n_layer: 2 }, {
  kind: "lm",
  lr: 0.03,
  steps: 40,
});
