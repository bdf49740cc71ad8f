import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend } from "../backend/mod.ts";
import { encodeSafetensors } from "./safetensors.ts";
import { loadPretrained, savePretrained } from "./pretrained.ts";
import { createModel } from "./registry.ts";
import { getWeights } from "./weights.ts";
import type { ClassificationModel, LanguageModel } from "./model.ts";
import { Rng } from "../random/mod.ts";

const here = new URL("./testdata/", import.meta.url).pathname;

function logits(m: LanguageModel, ids: number[][]): number[] {
  const t = m.logits(Int32Array.from(ids.flat()), ids.length, ids[0]!.length);
  const out = [...t.dataSync()];
  t.dispose();
  return out;
}

Deno.test("loadPretrained: a GPT-2 folder written by PyTorch in Hugging Face's layout gives PyTorch's logits", async () => {
  await initBackend("wasm");
  const fixture = JSON.parse(await Deno.readTextFile(join(here, "tiny_gpt2_logits.json")));
  const model = await loadPretrained(join(here, "tiny-gpt2")) as LanguageModel;
  assert.equal(model.config.n_layer, 2);
  const got = logits(model, fixture.input_ids), want = (fixture.logits as number[][][]).flat(2);
  let worst = 0;
  want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
  assert.ok(worst < 1e-4, `max logit difference ${worst}`);
  model.dispose();
});

Deno.test("savePretrained / loadPretrained: a round trip keeps every weight and the outputs", async () => {
  await initBackend("wasm");
  const dir = await Deno.makeTempDir();
  const model = createModel("gpt-nano", { vocab_size: 20, block_size: 16 }, new Rng(3)) as LanguageModel;
  await savePretrained(model, dir, { name: "gpt-nano" });
  const cfg = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  assert.deepEqual([cfg.model_type, cfg.n_embd, cfg.n_positions, cfg.activation_function], [
    "gpt2",
    48,
    16,
    "gelu_new",
  ]);
  const back = await loadPretrained(dir) as LanguageModel;
  for (const [k, t] of getWeights(model)) assert.deepEqual(getWeights(back).get(k)!.data, t.data, k);
  assert.deepEqual(logits(back, [[1, 2, 3]]), logits(model, [[1, 2, 3]]));
  // Through CODEX_MODELS_DIR by name.
  Deno.env.set("CODEX_MODELS_DIR", join(dir, ".."));
  const byName = await loadPretrained(dir.split("/").at(-1)!);
  Deno.env.delete("CODEX_MODELS_DIR");
  byName.dispose();
  back.dispose();
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadPretrained: bad folders name the tensor, the shapes, and what is missing", async () => {
  await initBackend("cpu");
  const dir = await Deno.makeTempDir();
  const model = createModel("gpt-nano", { vocab_size: 20, block_size: 16 }, new Rng(3));
  await savePretrained(model, dir);
  const w = getWeights(model);
  w.set("h.0.attn.c_attn.weight", { shape: [48, 100], data: new Float32Array(4800) });
  w.delete("ln_f.bias");
  w.set("h.0.surprise.weight", { shape: [1], data: new Float32Array(1) });
  await Deno.writeFile(join(dir, "model.safetensors"), encodeSafetensors(w));
  await assert.rejects(() => loadPretrained(dir), (err: Error) => {
    assert.match(err.message, /missing 1 tensor\(s\): ln_f.bias/);
    assert.match(err.message, /unknown 1 tensor\(s\): h.0.surprise.weight/);
    assert.match(err.message, /h.0.attn.c_attn.weight has shape \[48,100\] \(expected \[48,144\]\)/);
    return true;
  });
  await Deno.writeFile(join(dir, "model.safetensors"), new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123]));
  await assert.rejects(() => loadPretrained(dir), /header length 200 exceeds the file size/);
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ model_type: "t5" }));
  await assert.rejects(() => loadPretrained(dir), /model_type "t5" \(supported: "gpt2", "bert"\)/);
  await assert.rejects(() => loadPretrained(join(dir, "nothing")), /no config.json in/);
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadPretrained: a BERT classifier written by PyTorch in Hugging Face's layout gives PyTorch's logits", async () => {
  await initBackend("wasm");
  const fixture = JSON.parse(await Deno.readTextFile(join(here, "tiny_bert_logits.json")));
  const model = await loadPretrained(join(here, "tiny-bert")) as unknown as ClassificationModel;
  assert.equal(model.family, "bert");
  assert.equal(model.config.num_labels, 3);
  const B = fixture.input_ids.length, T = fixture.input_ids[0].length;
  const input = {
    ids: Int32Array.from(fixture.input_ids.flat()),
    mask: Int32Array.from(fixture.attention_mask.flat()),
    batch: B,
    time: T,
  };
  const got = model.logits(input).dataSync(), want = (fixture.logits as number[][]).flat();
  let worst = 0;
  want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
  assert.ok(worst < 1e-4, `max logit difference ${worst}`);
  // Round trip through savePretrained (BertForSequenceClassification names).
  const dir = await Deno.makeTempDir();
  await savePretrained(model, dir);
  const back = await loadPretrained(dir) as unknown as ClassificationModel;
  assert.deepEqual(back.logits(input).dataSync(), got);
  back.dispose();
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});
