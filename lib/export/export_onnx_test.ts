// A tiny trained GPT run, exported, must give the tfjs model's logits through
// ONNX Runtime (within 1e-4), pass the `onnx` checker where Debian's
// python3-onnx is installed, and refuse bad input with one-line errors.
import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, NativeSession, nativeStatus, tf } from "../backend/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { Gpt, type GptConfig, Lora } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { loadTokenizer } from "../tokenizers/mod.ts";
import { loadRunModel, trainLanguageModel } from "../train/mod.ts";
import { tinyConfig } from "../train/_testing.ts";
import { exportOnnx } from "./export_onnx.ts";

const skipNative = !nativeStatus().available;

/** One tiny run (gpt-nano, block 32, 20 steps) shared by the tests of this file. */
let shared: Promise<{ outDir: string; runId: string }> | null = null;
function tinyRun(): Promise<{ outDir: string; runId: string }> {
  shared ??= (async () => {
    const outDir = await Deno.makeTempDir({ prefix: "codex-export-test-" });
    const r = await trainLanguageModel(
      tinyConfig(outDir, ["train.max_steps=20", "train.eval_interval=20", "sample.max_new_tokens=5"]),
    );
    assert.equal(r.status, "finished");
    return { outDir, runId: r.run_id };
  })();
  return shared;
}

function ids(rows: number[][]): { type: "int64"; data: BigInt64Array; dims: number[] } {
  return {
    type: "int64",
    data: BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
    dims: [rows.length, rows[0]!.length],
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Runs `model.onnx` on `rows` and compares with the tfjs model of the run (cpu backend). */
async function compare(modelPath: string, outDir: string, runId: string, rows: number[][]): Promise<number> {
  const { model } = await loadRunModel(runId, { outDir, backend: "cpu" });
  const B = rows.length, T = rows[0]!.length;
  const ref = tf.tidy(() => model.logits(Int32Array.from(rows.flat()), B, T).dataSync());
  model.dispose();
  const session = new NativeSession(await Deno.readFile(modelPath), { label: "exported gpt" });
  const out = session.run({ input_ids: ids(rows) }, ["logits"]).logits!;
  session.dispose();
  assert.deepEqual([...out.dims], [B, T, ref.length / (B * T)]);
  return maxDiff(out.data as Float32Array, ref);
}

Deno.test({
  name: "exportOnnx: the exported model gives the tfjs model's logits within 1e-4 (dynamic batch and length)",
  ignore: skipNative,
  fn: async () => {
    const { outDir, runId } = await tinyRun();
    const out = join(outDir, "onnx");
    const r = await exportOnnx(runId, { outDir, out });
    assert.equal(r.modelPath, join(out, "model.onnx"));
    assert.equal(r.seq, "dynamic");
    assert.equal((await Deno.stat(r.modelPath)).size, r.modelBytes);
    const V = r.config.vocab_size;
    // Several shapes through one file: full context, a short prompt, one token.
    const rows = (B: number, T: number) =>
      Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (7 * b + 3 * t + 1) % V));
    for (const [B, T] of [[2, 32], [3, 7], [1, 1]] as const) {
      const d = await compare(r.modelPath, outDir, runId, rows(B, T));
      assert.ok(d < 1e-4, `[${B}, ${T}]: max abs logit difference ${d}`);
    }
  },
});

Deno.test({
  name: "exportOnnx: seq=N fixes the sequence axis (the batch stays dynamic); other lengths are refused",
  ignore: skipNative,
  fn: async () => {
    const { outDir, runId } = await tinyRun();
    const r = await exportOnnx(runId, { outDir, out: join(outDir, "onnx-16"), seq: 16 });
    const rows = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [
      16,
      15,
      14,
      13,
      12,
      11,
      10,
      9,
      8,
      7,
      6,
      5,
      4,
      3,
      2,
      1,
    ]];
    const d = await compare(r.modelPath, outDir, runId, rows);
    assert.ok(d < 1e-4, `max abs logit difference ${d}`);
    const session = new NativeSession(await Deno.readFile(r.modelPath), { label: "exported gpt" });
    assert.throws(() => session.run({ input_ids: ids([[1, 2, 3]]) }, ["logits"]), /input_ids/);
    session.dispose();
  },
});

Deno.test("exportOnnx: the folder holds a Hugging Face tokenizer.json and config.json", async () => {
  const { outDir, runId } = await tinyRun();
  const out = join(outDir, "onnx-files");
  const r = await exportOnnx(runId, { outDir, out });
  const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.equal(config.model_type, "gpt2");
  assert.deepEqual(config.architectures, ["GPT2LMHeadModel"]);
  assert.equal(config.vocab_size, r.config.vocab_size);
  assert.equal(config.n_positions, 32);
  assert.equal(config.codex.run_id, runId);
  assert.equal(config.codex.checkpoint, r.checkpoint);
  assert.deepEqual(config.codex.onnx.inputs, [{ name: "input_ids", type: "int64", shape: ["batch", "sequence"] }]);
  const tok = JSON.parse(await Deno.readTextFile(join(out, "tokenizer.json")));
  assert.equal(tok.model.type, "BPE");
  assert.deepEqual(tok.model.merges, []);
  assert.deepEqual(tok.decoder, { type: "Fuse" });
  // The same ids as the run's own (char) tokenizer.
  const own = await loadTokenizer(join(r.runDir, "tokenizer.json"));
  for (const [ch, id] of Object.entries(tok.model.vocab as Record<string, number>)) {
    assert.deepEqual(own.encode(ch), [id], `token ${JSON.stringify(ch)}`);
  }
  assert.equal(Object.keys(tok.model.vocab).length, own.vocabSize);
  // Every file was renamed into place: no temporary files are left.
  assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name).sort(), [
    "config.json",
    "model.onnx",
    "tokenizer.json",
  ]);
});

Deno.test("exportOnnx: Debian's onnx checker accepts the model (skipped without python3-onnx)", async (t) => {
  const probe = await new Deno.Command("/usr/bin/python3", { args: ["-c", "import onnx"], stderr: "null" })
    .output().catch(() => null);
  if (!probe?.success) {
    console.warn("skipped: /usr/bin/python3 cannot import onnx (apt-get install -y python3-onnx)");
    return;
  }
  const { outDir, runId } = await tinyRun();
  for (const seq of ["dynamic", 8] as const) {
    await t.step(`seq ${seq}`, async () => {
      const r = await exportOnnx(runId, { outDir, out: join(outDir, `onnx-check-${seq}`), seq });
      const script = `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
i, o = m.graph.input[0], m.graph.output[0]
print(i.name, i.type.tensor_type.elem_type, dims(i), o.name, dims(o), len(m.graph.input), len(m.graph.initializer))
`;
      const res = await new Deno.Command("/usr/bin/python3", { args: ["-c", script, r.modelPath] }).output();
      const err = new TextDecoder().decode(res.stderr);
      assert.ok(res.success, `onnx.checker rejected ${r.modelPath}: ${err}`);
      const [inName, inType, inDims, outName, outDims, nInputs] = new TextDecoder().decode(res.stdout).trim()
        .split(/ (?![^[]*\])/);
      const T = seq === "dynamic" ? "'sequence'" : String(seq);
      assert.equal(inName, "input_ids");
      assert.equal(inType, "7"); // INT64
      assert.equal(inDims, `['batch', ${T}]`);
      assert.equal(outName, "logits");
      assert.equal(outDims, `['batch', ${T}, ${r.config.vocab_size}]`);
      assert.equal(nInputs, "1", "weights are initializers, not inputs");
    });
  }
});

Deno.test("exportOnnx: an unknown run, a non-GPT run, a too-long seq and an unknown opset are one-line errors", async () => {
  const { outDir, runId } = await tinyRun();
  const oneLine = (re: RegExp) => (err: Error) => {
    assert.match(err.message, re);
    assert.ok(!err.message.includes("\n"), err.message);
    return true;
  };
  await assert.rejects(exportOnnx("no-such-run", { outDir }), oneLine(/^Cannot find run "no-such-run" in /));
  await assert.rejects(
    exportOnnx(runId, { outDir, seq: 33 }),
    oneLine(new RegExp(`^Cannot export run ${runId}: seq 33 must be an integer from 1 to the model's block_size 32$`)),
  );
  await assert.rejects(
    exportOnnx(runId, { outDir, opset: 13 }),
    oneLine(new RegExp(`^Cannot export run ${runId}: opset 13 is not supported \\(supported: 17\\)$`)),
  );
  // A run of another family: the same folder with its model swapped for the char-LSTM.
  const other = join(outDir, "lstm-run");
  await Deno.mkdir(other);
  const src = join(outDir, runId);
  for (const f of ["run.json", "tokenizer.json"]) await Deno.copyFile(join(src, f), join(other, f));
  const yaml = await Deno.readTextFile(join(src, "config.yaml"));
  await Deno.writeTextFile(
    join(other, "config.yaml"),
    yaml.replace(/model:\n {2}name: gpt-nano/, "model:\n  name: char-lstm"),
  );
  await assert.rejects(
    exportOnnx(other, { outDir }),
    oneLine(
      /^Cannot export run lstm-run: its model char-lstm is of the lstm family; ONNX export supports the gpt family only \(gpt-/,
    ),
  );
});

Deno.test({
  name:
    "exportOnnx: a LoRA fine-tune is exported with its adapters merged, matching the adapted tfjs model within 1e-4",
  ignore: skipNative,
  fn: async () => {
    const { outDir, runId } = await tinyRun();
    const ft = await trainLanguageModel(tinyConfig(outDir, [
      `init_from=${runId}`,
      "lora.r=4",
      "lora.alpha=8",
      "lora.targets='attn.c_attn,mlp.c_fc'",
      "train.lr=1e-2",
      "train.max_steps=10",
      "train.eval_interval=10",
      "sample.max_new_tokens=5",
    ]));
    const r = await exportOnnx(ft.run_id, { outDir, out: join(outDir, "onnx-lora") });
    assert.equal(r.loraMerged.length, 2 * 3, "2 targets x 3 layers");
    // The reference: the base model with the checkpoint's adapters attached (unmerged), on the cpu backend.
    await initBackend("cpu");
    const ckpt = (await new CheckpointManager(join(ft.dir, "checkpoints")).loadNamed(r.checkpoint))!;
    const base = new Map([...ckpt.weights].filter(([k]) => !k.includes(".lora_")).map(([k, t]) => [k, t.data]));
    const model = new Gpt({ ...r.config } as GptConfig, base);
    const lora = Lora.apply(model, { r: 4, alpha: 8, targets: ["attn.c_attn", "mlp.c_fc"] }, new Rng(0));
    for (const [name, v] of lora.params()) v.assign(tf.tensor(ckpt.weights.get(name)!.data, v.shape));
    assert.ok(ckpt.weights.get("h.0.mlp.c_fc.lora_B.weight")!.data.some((v) => v !== 0), "B has trained");
    const rows = [[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]];
    const ref = tf.tidy(() => model.logits(Int32Array.from(rows.flat()), 2, 8).dataSync());
    const plain = tf.tidy(() => {
      lora.merge();
      return model.logits(Int32Array.from(rows.flat()), 2, 8).dataSync();
    });
    lora.dispose();
    model.dispose();
    const session = new NativeSession(await Deno.readFile(r.modelPath), { label: "exported lora gpt" });
    const out = session.run({ input_ids: ids(rows) }, ["logits"]).logits!;
    session.dispose();
    const d = maxDiff(out.data as Float32Array, ref);
    assert.ok(d < 1e-4, `max abs logit difference ${d}`);
    assert.ok(maxDiff(plain, ref) < 1e-4, "tfjs merged and unmerged agree");
    const config = JSON.parse(await Deno.readTextFile(join(r.dir, "config.json")));
    assert.equal(config.codex.lora_scale, 2);
    assert.equal(config.codex.lora_merged.length, 6);
  },
});
