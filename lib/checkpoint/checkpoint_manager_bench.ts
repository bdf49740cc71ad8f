// Saving and verifying a checkpoint of gpt-mini (2.7 M parameters: 11 MB of
// weights and 22 MB of AdamW moments), as the trainer does at each eval.
import { CheckpointManager } from "./checkpoint_manager.ts";
import { gptParamShapes } from "../models/mod.ts";

const shapes = gptParamShapes({ vocab_size: 83, block_size: 64, n_layer: 6, n_head: 6, n_embd: 192, dropout: 0 });
const tensor = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5) });
const weights = new Map(shapes.map(([n, s]) => [n, tensor(s)]));
const optimizer = new Map(shapes.flatMap(([n, s]) => [[`${n}.exp_avg`, tensor(s)], [`${n}.exp_avg_sq`, tensor(s)]]));
const dir = await Deno.makeTempDir({ prefix: "codex-ckpt-bench-" });
const mgr = new CheckpointManager(dir, { keepLast: 2 });
let step = 0;

Deno.bench("save a gpt-mini checkpoint (weights + AdamW moments, sha256, fsync, rename)", async () => {
  await mgr.save(++step, { weights, optimizer, state: { val_loss: 1 }, configYaml: "seed: 1\n" });
});

Deno.bench("verify a gpt-mini checkpoint (sha256 of every file)", async () => {
  if (step === 0) await mgr.save(++step, { weights, optimizer, state: {}, configYaml: "" });
  await mgr.verify(CheckpointManager.stepName(step));
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
