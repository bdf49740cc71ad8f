import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { Gpt } from "./gpt.ts";
import { Lora } from "./lora.ts";
import { getWeights } from "./weights.ts";

const cfg = { vocab_size: 13, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0 };

function logits(model: Gpt, x: Int32Array): Float32Array {
  const t = model.logits(x, 2, 8);
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

Deno.test("LoRA: fine-tuning trains only the adapters; merge and unmerge keep the outputs", async () => {
  await initBackend("wasm");
  const rng = new Rng(5);
  const model = Gpt.create(cfg, rng);
  const x = Int32Array.from({ length: 16 }, () => rng.int(13)), y = Int32Array.from({ length: 16 }, () => rng.int(13));
  const before = getWeights(model);
  const baseLogits = logits(model, x);
  const lora = Lora.apply(model, { r: 4, alpha: 8, targets: ["attn.c_attn", /mlp\.c_fc$/] }, rng);
  assert.deepEqual(lora.layers, ["h.0.attn.c_attn", "h.0.mlp.c_fc", "h.1.attn.c_attn", "h.1.mlp.c_fc"]);
  assert.equal(lora.countParams(), 2 * (16 * 4 + 4 * 48) + 2 * (16 * 4 + 4 * 64));
  // B starts at zero: the adapted model starts exactly where the base was.
  assert.deepEqual(logits(model, x), baseLogits);
  const vars = [...lora.params().values()];
  let first = 0, last = 0;
  for (let i = 0; i < 40; i++) {
    const { value, grads } = tf.variableGrads(() => model.loss(x, y, 2, 8, true), vars);
    const names = Object.keys(grads);
    assert.ok(names.every((n) => n.includes(".lora_")), "only adapters get gradients");
    for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 1.0)));
    const l = value.dataSync()[0]!;
    if (i === 0) first = l;
    last = l;
    tf.dispose([value, ...Object.values(grads)]);
  }
  assert.ok(last < first - 0.1, `adapters learn (${first} -> ${last})`);
  const after = getWeights(model);
  for (const [k, t] of before) assert.deepEqual(after.get(k)!.data, t.data, `base weight ${k} is unchanged`);
  const adapted = logits(model, x);
  assert.notDeepEqual(adapted, baseLogits);
  lora.merge();
  const merged = logits(model, x);
  adapted.forEach((v, i) => assert.ok(Math.abs(v - merged[i]!) < 1e-4, `merged logit ${i}`));
  assert.notDeepEqual(
    getWeights(model).get("h.0.attn.c_attn.weight")!.data,
    before.get("h.0.attn.c_attn.weight")!.data,
  );
  lora.unmerge();
  const unmerged = logits(model, x);
  adapted.forEach((v, i) => assert.ok(Math.abs(v - unmerged[i]!) < 1e-4, `unmerged logit ${i}`));
  for (const [k, t] of before) {
    const w = getWeights(model).get(k)!.data;
    t.data.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) < 1e-6, `${k} restored`));
  }

  // Adapters save alone (small), and load back onto a fresh copy of the base.
  const dir = await Deno.makeTempDir();
  await lora.save(dir);
  const size = (await Deno.stat(`${dir}/adapter_model.safetensors`)).size;
  assert.ok(size < 4 * lora.countParams() + 2048, `adapter file is just the adapters (${size} bytes)`);
  const fresh = new Gpt(cfg, new Map([...before].map(([k, t]) => [k, t.data])));
  const loaded = await Lora.load(fresh, dir);
  const again = logits(fresh, x);
  adapted.forEach((v, i) => assert.ok(Math.abs(v - again[i]!) < 1e-5, `loaded adapters reproduce logit ${i}`));
  assert.throws(() => Lora.apply(model, { r: 2, alpha: 2, targets: ["nope"] }, rng), /no layer matches nope/);
  assert.throws(() => Lora.apply(model, { r: 0, alpha: 2, targets: ["attn"] }, rng), /r must be a positive integer/);
  loaded.dispose();
  lora.dispose();
  fresh.dispose();
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("LoRA on a BERT encoder ([out, in] weights): query/value adapters train alone; merge and unmerge keep the outputs", async () => {
  await initBackend("wasm");
  const { Bert } = await import("./bert.ts");
  const rng = new Rng(6);
  const model = Bert.create({
    vocab_size: 20,
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    intermediate_size: 32,
    max_position_embeddings: 8,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    dropout: 0,
    num_labels: 2,
  }, rng);
  const input = {
    ids: Int32Array.from({ length: 16 }, () => rng.int(20)),
    mask: new Int32Array(16).fill(1),
    batch: 2,
    time: 8,
  };
  const labels = new Int32Array([0, 1]);
  const before = getWeights(model);
  const lora = Lora.apply(model, { r: 2, alpha: 4, targets: [/attention\.self\.(query|value)$/] }, rng);
  assert.equal(lora.layers.length, 4);
  const vars = [...lora.params().values()];
  for (let i = 0; i < 10; i++) {
    const { value, grads } = tf.variableGrads(() => model.loss(input, labels, true), vars);
    for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.5)));
    tf.dispose([value, ...Object.values(grads)]);
  }
  for (const [k, t] of before) assert.deepEqual(getWeights(model).get(k)!.data, t.data, `${k} frozen`);
  const adapted = model.logits(input).dataSync();
  lora.merge();
  const merged = model.logits(input).dataSync();
  adapted.forEach((v, i) => assert.ok(Math.abs(v - merged[i]!) < 1e-4, `merged logit ${i}`));
  lora.unmerge();
  const unmerged = model.logits(input).dataSync();
  adapted.forEach((v, i) => assert.ok(Math.abs(v - unmerged[i]!) < 1e-4, `unmerged logit ${i}`));
  lora.dispose();
  model.dispose();
});
