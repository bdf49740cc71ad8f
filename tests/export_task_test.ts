// `deno task train tokenizer=bpe` then `deno task export` on that run, as users run them, with the
// permissions deno.json gives the task.
import assert from "node:assert/strict";
import { join } from "node:path";
import { NativeSession, nativeStatus } from "../lib/backend/mod.ts";
import { root, taskCommand, trainTinyBpeRun } from "./_task.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test({
  name: "export task: a BPE run becomes model.onnx + tokenizer.json + config.json that ONNX Runtime runs",
  ignore: !nativeStatus().available,
  fn: async () => {
    const { dir, run } = await trainTinyBpeRun();
    const out = join(dir, "exported");
    const res = await taskCommand("export", [`run=${run}`, `out_dir=${dir}`, "format=onnx", `out=${out}`]).output();
    assert.equal(res.code, 0, text(res.stderr));
    assert.match(text(res.stdout), /exported gpt-nano \(3 layers, 48 dims, vocab 300, block 32\) from step-000005/);
    assert.match(text(res.stdout), /input_ids \[batch, sequence\] -> logits \[batch, sequence, 300\]/);

    const session = new NativeSession(await Deno.readFile(join(root, out, "model.onnx")), { label: "exported" });
    const ids = { type: "int64" as const, data: BigInt64Array.from([5n, 6n, 7n, 8n, 9n, 10n]), dims: [2, 3] };
    const logits = session.run({ input_ids: ids }, ["logits"]).logits!;
    session.dispose();
    assert.deepEqual([...logits.dims], [2, 3, 300]);
    assert.ok([...logits.data as Float32Array].every(Number.isFinite));
    // A BPE tokenizer is already in Hugging Face's format: the file is the run's own.
    const tok = JSON.parse(await Deno.readTextFile(join(root, out, "tokenizer.json")));
    assert.deepEqual(tok, JSON.parse(await Deno.readTextFile(join(root, dir, run, "tokenizer.json"))));
    assert.equal(tok.model.type, "BPE");
    const config = JSON.parse(await Deno.readTextFile(join(root, out, "config.json")));
    assert.equal(config.model_type, "gpt2");
    assert.equal(config.codex.tokenizer, "bpe");

    // Bad input: one line on stderr, exit code 1.
    for (
      const [args, re] of [
        [["run=no-such-run", `out_dir=${dir}`], /^error: Cannot find run "no-such-run" in /],
        [
          [`run=${run}`, `out_dir=${dir}`, "seq=64"],
          /^error: Cannot export run \S+: seq 64 must be an integer from 1 to the model's block_size 32$/,
        ],
        [
          [`run=${run}`, `out_dir=${dir}`, "format=tflite"],
          /^error: Cannot export: format "tflite" is not supported \(supported: onnx\)$/,
        ],
        [[`out_dir=${dir}`], /^error: Cannot export: run=RUN_ID is required/],
        [[`run=${run}`, "colour=red"], /^error: Cannot export: unknown key "colour"/],
      ] as const
    ) {
      const bad = await taskCommand("export", [...args]).output();
      assert.equal(bad.code, 1, args.join(" "));
      const err = text(bad.stderr).trimEnd();
      assert.match(err, re);
      assert.ok(!err.includes("\n"), err);
    }
    await Deno.remove(join(root, dir), { recursive: true });
  },
});
