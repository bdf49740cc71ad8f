import { initBackend, tf } from "./lib/backend/mod.ts";
import { createModel, type LanguageModel } from "./lib/models/mod.ts";
import { Rng } from "./lib/random/mod.ts";
await initBackend(Deno.args[0] ?? "wasm");
let t0 = performance.now();
const m = createModel("gpt2", {}, new Rng(1)) as LanguageModel;
console.log("built", m.countParams(), ((performance.now() - t0) / 1000).toFixed(1), "s", tf.memory().numBytes / 1e9, "GB");
const rng = new Rng(2);
const x = Int32Array.from({ length: 32 }, () => rng.int(50257)), y = x.map((v) => (v + 1) % 50257);
t0 = performance.now();
try {
  const l = m.loss(x, y, 1, 32); console.log("forward", l.dataSync()[0], ((performance.now() - t0) / 1000).toFixed(1), "s");
} catch (e) { console.log("forward failed", String(e).slice(0, 200)); }
for (let s = 0; s < 2; s++) {
  t0 = performance.now();
  const vars = [...m.params.values()];
  const { value, grads } = tf.variableGrads(() => m.loss(x, y, 1, 32, true), vars);
  tf.tidy(() => { for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 1e-3))); });
  console.log("sgd step", s, value.dataSync()[0], ((performance.now() - t0) / 1000).toFixed(1), "s", (tf.memory().numBytes / 1e9).toFixed(2), "GB");
  tf.dispose([value, ...Object.values(grads)]);
}
