import assert from "node:assert/strict";
import { initBackend, nativeActive, nativeStatus, tf, tfjsNodeAvailable } from "./mod.ts";

Deno.test("initBackend: auto picks native when ONNX Runtime loads and says why; bad names are refused", async () => {
  const info = await initBackend("auto");
  const native = nativeStatus().available;
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(info.name, native ? "native" : "wasm");
  assert.equal(nativeActive(), native);
  assert.match(info.reason, /^auto: /);
  await assert.rejects(() => initBackend("gpu"), /unknown backend "gpu" \(known: auto, native, wasm, cpu, node\)/);
  if (!tfjsNodeAvailable()) await assert.rejects(() => initBackend("node"), /needs @tensorflow\/tfjs-node/);
  const cpu = await initBackend("cpu");
  assert.equal(cpu.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(nativeActive(), false);
});
