// The export forms of buildGptGraph (weights as initializers, batched ids,
// symbolic axes) compute the same logits as the flat training-path graph.
import assert from "node:assert/strict";
import { NativeSession, nativeStatus, type NativeTensor } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { type GptConfig, gptParamShapes, initGptWeights } from "./gpt.ts";
import { buildGptGraph } from "./gpt_graph.ts";

const cfg: GptConfig = { vocab_size: 19, block_size: 12, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0 };

function int64(values: number[], dims: number[]): NativeTensor {
  return { type: "int64", data: BigInt64Array.from(values, (v) => BigInt(v)), dims };
}

function run(model: Uint8Array, feeds: Record<string, NativeTensor>, output: string): Float32Array {
  const s = new NativeSession(model, { label: "gpt graph test" });
  try {
    return s.run(feeds, [output])[output]!.data as Float32Array;
  } finally {
    s.dispose();
  }
}

Deno.test({
  name: "buildGptGraph: batched, batch-dynamic and fully dynamic forms with embedded weights equal the flat graph",
  ignore: !nativeStatus().available,
  fn: () => {
    const weights = initGptWeights(cfg, new Rng(3));
    const rng = new Rng(9);
    for (const [B, T] of [[2, 12], [3, 5], [1, 1]] as const) {
      const ids = Array.from({ length: B * T }, () => rng.int(cfg.vocab_size));
      // The reference: the training path's flat graph, weights fed as inputs.
      const flat = buildGptGraph(cfg, { batch: B, time: T, mode: "logits" });
      const feeds: Record<string, NativeTensor> = { idx: int64(ids, [B * T]) };
      for (const [name, dims] of gptParamShapes(cfg)) feeds[name] = { type: "float32", data: weights.get(name)!, dims };
      const ref = run(flat.model, feeds, "logits");
      for (const dynamic of ["none", "batch", "both"] as const) {
        const g = buildGptGraph(cfg, { batch: B, time: T, mode: "logits", io: "batched", dynamic, weights });
        assert.deepEqual(g.inputs, ["input_ids"]);
        const out = run(g.model, { input_ids: int64(ids, [B, T]) }, "logits");
        assert.equal(out.length, B * T * cfg.vocab_size);
        let d = 0;
        for (let i = 0; i < out.length; i++) d = Math.max(d, Math.abs(out[i]! - ref[i]!));
        assert.ok(d < 1e-5, `[${B}, ${T}] dynamic ${dynamic}: max abs difference ${d}`);
      }
    }
  },
});

Deno.test("buildGptGraph: export options are refused where they do not apply", () => {
  const weights = initGptWeights(cfg, new Rng(3));
  assert.throws(
    () => buildGptGraph(cfg, { batch: 1, time: 4, mode: "train", io: "batched" }),
    /^TypeError: Cannot build the gpt graph: io "batched" needs mode "logits" \(got "train"\)$/,
  );
  assert.throws(
    () => buildGptGraph(cfg, { batch: 1, time: 4, mode: "logits", dynamic: "both" }),
    /^TypeError: Cannot build the gpt graph: dynamic "both" needs io "batched" \(got "flat"\)$/,
  );
  const missing = new Map(weights);
  missing.delete("ln_f.bias");
  assert.throws(
    () => buildGptGraph(cfg, { batch: 1, time: 4, mode: "logits", weights: missing }),
    /no weight ln_f\.bias among the weights given/,
  );
  const short = new Map(weights).set("wpe.weight", new Float32Array(3));
  assert.throws(
    () => buildGptGraph(cfg, { batch: 1, time: 4, mode: "logits", weights: short }),
    /wpe\.weight has 3 values, expected 192 \(\[12, 16\]\)/,
  );
});
