import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, type tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import type { Bert } from "./bert.ts";
import type { ClassificationModel, EncoderBatch, LanguageModel, Model } from "./model.ts";
import { loadPretrained, savePretrained } from "./pretrained.ts";
import { createModel } from "./registry.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { getWeights } from "./weights.ts";

// Written by testdata/make_hf_fixtures.py (PyTorch, Hugging Face's module layout).
const here = new URL("./testdata/", import.meta.url).pathname;
const fixtures = JSON.parse(await Deno.readTextFile(join(here, "hf_fixtures.json")));

function values(t: tf.Tensor): number[] {
  const out = [...t.dataSync()];
  t.dispose();
  return out;
}

function maxDiff(got: number[], want: number[]): number {
  assert.equal(got.length, want.length);
  return want.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
}

function lmLogits(m: Model, ids: number[][]): number[] {
  return values((m as LanguageModel).logits(Int32Array.from(ids.flat()), ids.length, ids[0]!.length));
}

function encoderBatch(f: { input_ids: number[][]; attention_mask: number[][] }): EncoderBatch {
  return {
    ids: Int32Array.from(f.input_ids.flat()),
    mask: Int32Array.from(f.attention_mask.flat()),
    batch: f.input_ids.length,
    time: f.input_ids[0]!.length,
  };
}

async function roundTrip(model: Model, outputs: (m: Model) => number[]): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await savePretrained(model, dir);
    const back = await loadPretrained(dir);
    assert.deepEqual(back.config, model.config);
    for (const [k, t] of getWeights(model)) assert.deepEqual(getWeights(back).get(k), t, k);
    assert.deepEqual(outputs(back), outputs(model));
    back.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadPretrained: GPT2LMHeadModel's state_dict (transformer. prefix, tied lm_head) gives PyTorch's logits", async () => {
  await initBackend("wasm");
  const f = fixtures["tiny-gpt2"];
  const model = await loadPretrained(join(here, "tiny-gpt2"));
  assert.deepEqual([model.family, model.config.n_layer, model.config.n_embd], ["gpt", 2, 24]);
  const diff = maxDiff(lmLogits(model, f.input_ids), f.logits.flat(2));
  assert.ok(diff < 1e-4, `max logit difference ${diff}`);
  await roundTrip(model, (m) => lmLogits(m, f.input_ids));
  model.dispose();
});

Deno.test("loadPretrained: the Hub's GPT-2 layout (bare keys, attn.bias buffers, F16) gives PyTorch's logits", async () => {
  await initBackend("wasm");
  const f = fixtures["tiny-gpt2-hub"];
  const { tensors } = decodeSafetensors(await Deno.readFile(join(here, "tiny-gpt2-hub", "model.safetensors")));
  assert.ok(tensors.has("h.0.attn.masked_bias") && tensors.has("wte.weight"), "the fixture has the Hub's keys");
  const model = await loadPretrained(join(here, "tiny-gpt2-hub"));
  const diff = maxDiff(lmLogits(model, f.input_ids), f.logits.flat(2));
  assert.ok(diff < 1e-4, `max logit difference ${diff}`);
  model.dispose();
});

Deno.test("loadPretrained: BertForSequenceClassification (bert. prefix, position_ids) gives PyTorch's logits on a padded batch", async () => {
  await initBackend("wasm");
  const f = fixtures["tiny-bert"];
  const model = await loadPretrained(join(here, "tiny-bert")) as ClassificationModel;
  assert.deepEqual([model.family, model.config.num_labels], ["bert", 3]);
  const input = encoderBatch(f);
  const diff = maxDiff(values(model.logits(input)), f.logits.flat());
  assert.ok(diff < 1e-4, `max logit difference ${diff}`);
  await roundTrip(model, (m) => values((m as ClassificationModel).logits(input)));
  model.dispose();
});

Deno.test("loadPretrained: a bare BertModel in BF16 (all-MiniLM-L6-v2's layout) gives PyTorch's hidden states and pooler output", async () => {
  await initBackend("wasm");
  const f = fixtures["tiny-minilm"];
  const model = await loadPretrained(join(here, "tiny-minilm")) as Bert;
  assert.equal(model.config.num_labels, 2, "a fresh two-class head");
  const input = encoderBatch(f);
  const hidden = maxDiff(values(model.encode(input)), f.last_hidden_state.flat(2));
  const pooled = maxDiff(values(model.pooled(input)), f.pooler_output.flat());
  assert.ok(hidden < 1e-4 && pooled < 1e-4, `max differences: hidden ${hidden}, pooled ${pooled}`);
  await roundTrip(model, (m) => values((m as Bert).logits(input)));
  model.dispose();
});

Deno.test("savePretrained: Hugging Face's config keys; a name resolves under CODEX_MODELS_DIR", async () => {
  await initBackend("cpu");
  const root = await Deno.makeTempDir();
  const gpt = createModel("gpt-nano", { vocab_size: 20, block_size: 16 }, new Rng(3));
  const bert = createModel("minilm", { vocab_size: 20, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2 });
  await savePretrained(gpt, join(root, "nano"), { name: "gpt-nano" });
  await savePretrained(bert, join(root, "bert"));
  const g = JSON.parse(await Deno.readTextFile(join(root, "nano", "config.json")));
  assert.deepEqual(
    [g.model_type, g.architectures, g.n_embd, g.n_head, g.n_layer, g.n_positions, g.vocab_size],
    ["gpt2", ["GPT2LMHeadModel"], 48, 3, 3, 16, 20],
  );
  assert.deepEqual([g.layer_norm_epsilon, g.activation_function, g.codex_model], [1e-5, "gelu_new", "gpt-nano"]);
  const b = JSON.parse(await Deno.readTextFile(join(root, "bert", "config.json")));
  assert.deepEqual(
    [b.model_type, b.architectures, b.hidden_size, b.layer_norm_eps, b.hidden_act, b.id2label],
    ["bert", ["BertForSequenceClassification"], 8, 1e-12, "gelu", { 0: "LABEL_0", 1: "LABEL_1" }],
  );
  const keys = [...decodeSafetensors(await Deno.readFile(join(root, "bert", "model.safetensors"))).tensors.keys()];
  assert.ok(keys.includes("bert.encoder.layer.0.attention.self.query.weight") && keys.includes("classifier.bias"));
  Deno.env.set("CODEX_MODELS_DIR", root);
  try {
    const byName = await loadPretrained("nano");
    assert.deepEqual(byName.config, gpt.config);
    byName.dispose();
  } finally {
    Deno.env.delete("CODEX_MODELS_DIR");
  }
  await assert.rejects(() => loadPretrained("nano"), /no config.json in nano \(set CODEX_MODELS_DIR/);
  await assert.rejects(() => savePretrained(gpt, root, { name: "minilm" }), /entry minilm is a bert model/);
  const mine = { family: "mine", config: {}, params: new Map(), countParams: () => 0, dispose: () => {} };
  await assert.rejects(() => savePretrained(mine, root), /pass options.name, the registry name of this mine model/);
  gpt.dispose();
  bert.dispose();
  await Deno.remove(root, { recursive: true });
});

Deno.test("loadPretrained: bad folders name the tensor, the shapes, what is missing, and what is unsupported", async () => {
  await initBackend("cpu");
  const dir = await Deno.makeTempDir();
  const model = createModel("gpt-nano", { vocab_size: 20, block_size: 16 }, new Rng(3));
  await savePretrained(model, dir);
  const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  const w = getWeights(model);
  const write = (tensors: typeof w) => Deno.writeFile(join(dir, "model.safetensors"), encodeSafetensors(tensors));
  await write(new Map([...w, ["lm_head.weight", { ...w.get("wte.weight")!, data: new Float32Array(20 * 48) }]]));
  await assert.rejects(() => loadPretrained(dir), /lm_head.weight differs from wte.weight/);
  w.set("h.0.attn.c_attn.weight", { shape: [48, 100], data: new Float32Array(4800) });
  w.delete("ln_f.bias");
  w.set("h.0.surprise.weight", { shape: [1], data: new Float32Array(1) });
  await write(w);
  await assert.rejects(() => loadPretrained(dir), (err: Error) => {
    assert.ok(err instanceof TypeError);
    assert.match(err.message, /^Cannot load .*model.safetensors: /);
    assert.match(err.message, /missing 1 tensor\(s\): ln_f.bias/);
    assert.match(err.message, /unknown 1 tensor\(s\): h.0.surprise.weight/);
    assert.match(err.message, /h.0.attn.c_attn.weight has shape \[48,100\] \(expected \[48,144\]\)/);
    return true;
  });
  await Deno.writeFile(join(dir, "model.safetensors"), new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123]));
  await assert.rejects(() => loadPretrained(dir), /header length 200 exceeds the file size/);
  await Deno.remove(join(dir, "model.safetensors"));
  await Deno.writeFile(join(dir, "pytorch_model.bin"), new Uint8Array(1));
  await assert.rejects(() => loadPretrained(dir), /no model.safetensors \(only pytorch_model.bin/);
  const setConfig = (c: unknown) => Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(c));
  await setConfig({ ...config, layer_norm_epsilon: 0.001, activation_function: "relu" });
  await assert.rejects(
    () => loadPretrained(dir),
    /uses activation_function "relu" .*; has layer_norm_epsilon 0.001 \(supported: 1e-5\)/,
  );
  await setConfig({ model_type: "bert", hidden_act: "gelu", position_embedding_type: "relative_key" });
  await assert.rejects(() => loadPretrained(dir), /position_embedding_type "relative_key" \(supported: "absolute"\)/);
  await setConfig({ model_type: "t5" });
  await assert.rejects(() => loadPretrained(dir), /model_type "t5" \(supported: "gpt2", "bert", "codex"\)/);
  await Deno.writeTextFile(join(dir, "config.json"), "{ not json");
  await assert.rejects(
    () => loadPretrained(dir),
    (err: Error) => err instanceof SyntaxError && /is not JSON/.test(err.message),
  );
  await assert.rejects(() => loadPretrained(join(dir, "nothing")), /no config.json in/);
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});
