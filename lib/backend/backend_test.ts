import assert from "node:assert/strict";
import { initBackend, tf, tfjsNodeAvailable } from "./mod.ts";

Deno.test("initBackend: auto picks the fastest available and says why; bad names are refused", async () => {
  const info = await initBackend("auto");
  assert.equal(tf.getBackend(), tfjsNodeAvailable() ? "tensorflow" : "wasm");
  assert.equal(info.name, tfjsNodeAvailable() ? "node" : "wasm");
  assert.match(info.reason, /^auto: /);
  await assert.rejects(() => initBackend("gpu"), /unknown backend "gpu" \(known: auto, wasm, cpu, node\)/);
  if (!tfjsNodeAvailable()) await assert.rejects(() => initBackend("node"), /needs @tensorflow\/tfjs-node/);
  const cpu = await initBackend("cpu");
  assert.equal(cpu.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
});
