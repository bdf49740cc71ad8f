/**
 * `deno task export run=<run_id> [format=onnx] [out=DIR] [seq=N|dynamic]
 * [opset=17] [checkpoint=best]`: writes a trained GPT run as an ONNX folder
 * (`model.onnx`, `tokenizer.json`, `config.json`) for ONNX Runtime and
 * Hugging Face-style tooling.
 *
 * @module
 */
import { parseKeyValues, parseTaskArgs, runTask } from "../lib/cli/mod.ts";
import { exportOnnx, ONNX_OPSETS } from "../lib/export/mod.ts";

const HELP = `Usage: deno task export run=RUN_ID [key=value ...]

Writes a trained GPT run as an ONNX folder: model.onnx (weights inside; input
input_ids int64 [batch, sequence], output logits float32 [batch, sequence, vocab]),
tokenizer.json (Hugging Face format) and config.json (Hugging Face GPT-2 keys plus
a "codex" block naming the run, checkpoint and the graph's inputs and outputs).

Keys:
  run=RUN_ID         the run to export (an id under out_dir, or a run folder)
  format=onnx        the format (onnx, the only one today)
  out=DIR            the folder to write (default artifacts/exports/RUN_ID)
  seq=N|dynamic      the sequence axis: dynamic (default: any length up to the model's
                     block_size) or a fixed length N; the batch axis is always dynamic
  opset=N            ONNX opset (supported: ${ONNX_OPSETS.join(", ")})
  checkpoint=WHICH   best (default), latest, or step-000500
  out_dir=PATH       where runs are (default artifacts/runs)

Examples:
  deno task export run=20261207-215516-da9d
  deno task export run=20261207-215516-da9d out=/tmp/moby-onnx seq=64`;

const KEYS = ["run", "format", "out", "seq", "opset", "checkpoint", "out_dir"];

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, { help: { type: "boolean", short: "h" } });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const kv = parseKeyValues(args.overrides, KEYS, "export");
  const run = kv.get("run");
  if (!run) throw new SyntaxError("Cannot export: run=RUN_ID is required (see deno task export --help)");
  const format = kv.get("format") ?? "onnx";
  if (format !== "onnx") throw new RangeError(`Cannot export: format "${format}" is not supported (supported: onnx)`);
  const rawSeq = kv.get("seq") ?? "dynamic";
  const seq = rawSeq === "dynamic" ? "dynamic" : kv.num("seq", 0);
  const out = kv.get("out");
  const started = performance.now();
  const r = await exportOnnx(run, {
    seq,
    opset: kv.num("opset", 17),
    checkpoint: kv.get("checkpoint") ?? "best",
    outDir: kv.get("out_dir") ?? "artifacts/runs",
    ...(out === undefined ? {} : { out }),
  });
  const c = r.config;
  console.log(
    `exported ${r.model} (${c.n_layer} layers, ${c.n_embd} dims, vocab ${c.vocab_size}, block ${c.block_size}) ` +
      `from ${r.checkpoint} of ${r.runDir}`,
  );
  console.log(
    `  ${r.modelPath}  ${(r.modelBytes / 1e6).toFixed(2)} MB, input_ids [batch, ${
      r.seq === "dynamic" ? "sequence" : r.seq
    }] -> logits [batch, ${r.seq === "dynamic" ? "sequence" : r.seq}, ${c.vocab_size}]`,
  );
  console.log(`  tokenizer.json (${r.tokenizerFormat} format), config.json`);
  console.log(`  in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return 0;
}

await runTask(main);
