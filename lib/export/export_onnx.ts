/**
 * ONNX export of a trained GPT run: `model.onnx` (weights embedded as
 * initializers), the run's tokenizer as a Hugging Face `tokenizer.json`
 * and a Hugging Face-style `config.json`, in one folder. The graph is
 * `buildGptGraph`'s forward pass (the one the native path trains with),
 * built in its self-contained form: input `input_ids` (int64
 * `[batch, sequence]`), output `logits` (`[batch, sequence, vocab]`).
 *
 * @module
 */
import { basename, join } from "node:path";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import {
  buildGptGraph,
  gpt2HfConfig,
  type GptConfig,
  gptParamShapes,
  listModels,
  type ModelConfig,
  resolveModelConfig,
} from "../models/mod.ts";
import { findRunDir } from "../telemetry/mod.ts";
import { loadTokenizer, type Tokenizer } from "../tokenizers/mod.ts";
import { readRunConfig } from "../train/mod.ts";

/** The ONNX opsets {@linkcode exportOnnx} can write (LayerNormalization needs 17). */
export const ONNX_OPSETS: readonly number[] = [17];

/** Options of {@linkcode exportOnnx}. */
export interface ExportOnnxOptions {
  /** The folder to write (created if missing). Default `artifacts/exports/<run_id>`. */
  out?: string;
  /** Where runs are, for a run given by id. Default `artifacts/runs`. */
  outDir?: string;
  /** The checkpoint: `best` (default), `latest`, or a folder name such as `step-000400`. */
  checkpoint?: string;
  /**
   * The sequence axis: `dynamic` (default; any length from 1 to `block_size`)
   * or a fixed length (at most `block_size`). The batch axis is always dynamic.
   */
  seq?: number | "dynamic";
  /** The ONNX opset (default and only choice today: 17). */
  opset?: number;
}

/** What {@linkcode exportOnnx} wrote. */
export interface ExportOnnxResult {
  /** The folder written. */
  dir: string;
  /** `dir/model.onnx`. */
  modelPath: string;
  /** Size of `model.onnx` in bytes. */
  modelBytes: number;
  /** The run folder exported from. */
  runDir: string;
  /** The checkpoint exported (`step-000400`). */
  checkpoint: string;
  /** The model's registry name (`gpt-nano`). */
  model: string;
  /** The model's shape. */
  config: GptConfig;
  /** The sequence axis: a fixed length or `dynamic`. */
  seq: number | "dynamic";
  /** The LoRA-adapted layers folded into their base weights (empty for a full-weight run). */
  loraMerged: string[];
  /** `hugging-face` when tokenizer.json is in Hugging Face's format, else `codex` (word-level tokenizers). */
  tokenizerFormat: "hugging-face" | "codex";
}

/** The input and output names of an exported model. */
export const ONNX_INPUT = "input_ids";
/** The output name of an exported model. */
export const ONNX_OUTPUT = "logits";

function _fail(run: string, detail: string): never {
  throw new RangeError(`Cannot export run ${run}: ${detail}`);
}

/**
 * Exports run `run` (an id under `outDir`, or a run folder) as an ONNX
 * folder: `model.onnx`, `tokenizer.json`, `config.json`. Only GPT runs can
 * be exported; any other family is a `RangeError` naming it. Each file is
 * written atomically (temporary name, then rename).
 *
 * @example
 * ```ts ignore
 * import { exportOnnx } from "./export_onnx.ts";
 * const r = await exportOnnx("20261207-215516-da9d", { out: "/tmp/moby-onnx" });
 * console.log(r.modelPath, r.modelBytes);
 * ```
 */
export async function exportOnnx(run: string, options: ExportOnnxOptions = {}): Promise<ExportOnnxResult> {
  const { outDir = "artifacts/runs", checkpoint = "best", seq = "dynamic", opset = 17 } = options;
  if (!ONNX_OPSETS.includes(opset)) {
    _fail(run, `opset ${opset} is not supported (supported: ${ONNX_OPSETS.join(", ")})`);
  }
  const runDir = await findRunDir(outDir, run);
  const runId = basename(runDir);
  const cfg = await readRunConfig(runDir);
  const { name, ...keys } = cfg.model;
  const family = listModels().find((m) => m.name === name)?.family;
  if (family !== "gpt") {
    const gpts = listModels().filter((m) => m.family === "gpt").map((m) => m.name);
    _fail(
      runId,
      `its model ${name} is ${
        family ? `of the ${family} family` : "not in the model registry"
      }; ONNX export supports the gpt family only (${gpts.join(", ")})`,
    );
  }
  const tokenizer = await loadTokenizer(join(runDir, "tokenizer.json"));
  const config = resolveModelConfig(name, { ...keys, vocab_size: tokenizer.vocabSize } as Partial<ModelConfig>) as
    & ModelConfig
    & GptConfig;
  if (seq !== "dynamic" && !(Number.isInteger(seq) && seq >= 1 && seq <= config.block_size)) {
    _fail(runId, `seq ${seq} must be an integer from 1 to the model's block_size ${config.block_size}`);
  }
  const ckpt = await new CheckpointManager(join(runDir, "checkpoints")).loadNamed(checkpoint);
  if (!ckpt) _fail(runId, "it has no checkpoint that passes verification");
  const weights = new Map<string, Float32Array>();
  for (const [param] of gptParamShapes(config)) {
    const t = ckpt.weights.get(param);
    if (!t) _fail(runId, `checkpoint ${ckpt.name} has no tensor ${param}`);
    weights.set(param, t.data);
  }
  // A LoRA fine-tune: fold each adapter into its base weight, as Lora.merge does.
  const merged = mergeLoraWeights(weights, ckpt.weights, cfg.lora.alpha / cfg.lora.r);
  if (merged.length === 0 && cfg.lora.r > 0) {
    _fail(runId, `checkpoint ${ckpt.name} has no LoRA adapters (lora.r ${cfg.lora.r})`);
  }
  const g = buildGptGraph(config, {
    mode: "logits",
    batch: 1,
    time: seq === "dynamic" ? config.block_size : seq,
    io: "batched",
    dynamic: seq === "dynamic" ? "both" : "batch",
    weights,
  });
  const dir = options.out ?? join("artifacts/exports", runId);
  await Deno.mkdir(dir, { recursive: true });
  const modelPath = join(dir, "model.onnx");
  await writeFileAtomic(modelPath, g.model);
  const tok = huggingFaceTokenizerJson(tokenizer);
  await writeJsonAtomic(join(dir, "tokenizer.json"), tok.json);
  await writeJsonAtomic(join(dir, "config.json"), {
    ..._gpt2Config(config, name, tokenizer),
    codex: {
      run_id: runId,
      checkpoint: ckpt.name,
      step: ckpt.step,
      ...(merged.length ? { lora_merged: merged, lora_scale: cfg.lora.alpha / cfg.lora.r } : {}),
      tokenizer: tokenizer.type,
      tokenizer_format: tok.format,
      onnx: {
        file: "model.onnx",
        opset,
        inputs: [{ name: ONNX_INPUT, type: "int64", shape: ["batch", seq === "dynamic" ? "sequence" : seq] }],
        outputs: [{
          name: ONNX_OUTPUT,
          type: "float32",
          shape: ["batch", seq === "dynamic" ? "sequence" : seq, config.vocab_size],
        }],
      },
    },
  });
  return {
    dir,
    modelPath,
    modelBytes: g.model.length,
    runDir,
    checkpoint: ckpt.name,
    model: name,
    config: {
      vocab_size: config.vocab_size,
      block_size: config.block_size,
      n_layer: config.n_layer,
      n_head: config.n_head,
      n_embd: config.n_embd,
      dropout: config.dropout,
    },
    seq,
    loraMerged: merged,
    tokenizerFormat: tok.format,
  };
}

/**
 * Folds LoRA adapters into base weights: for every layer `L` with
 * `L.lora_A.weight` (`[in, r]`) and `L.lora_B.weight` (`[r, out]`) among
 * `tensors`, `weights[L.weight]` (`[in, out]`) becomes a new array
 * `W + scale * A @ B`. Returns the layers merged.
 *
 * @example
 * ```ts
 * import { mergeLoraWeights } from "./export_onnx.ts";
 * const weights = new Map([["l.weight", new Float32Array([1, 0, 0, 1])]]);
 * const tensors = new Map([
 *   ["l.lora_A.weight", { shape: [2, 1], data: new Float32Array([1, 2]) }],
 *   ["l.lora_B.weight", { shape: [1, 2], data: new Float32Array([3, 4]) }],
 * ]);
 * const merged = mergeLoraWeights(weights, tensors, 0.5);
 * if (merged.join() !== "l" || weights.get("l.weight")!.join() !== "2.5,2,3,5") throw new Error("bad merge");
 * ```
 */
export function mergeLoraWeights(
  weights: Map<string, Float32Array>,
  tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  scale: number,
): string[] {
  const merged: string[] = [];
  for (const [name, a] of tensors) {
    if (!name.endsWith(".lora_A.weight")) continue;
    const layer = name.slice(0, -".lora_A.weight".length);
    const b = tensors.get(`${layer}.lora_B.weight`);
    const w = weights.get(`${layer}.weight`);
    if (!b || !w) throw new TypeError(`Cannot merge LoRA: ${layer} has no lora_B.weight or no base weight`);
    const [nIn, r] = a.shape as [number, number];
    const nOut = b.shape[1]!;
    if (b.shape[0] !== r || w.length !== nIn * nOut) {
      throw new TypeError(
        `Cannot merge LoRA: ${layer} has A [${a.shape}], B [${b.shape}] and a base of ${w.length} values`,
      );
    }
    const out = Float32Array.from(w);
    for (let i = 0; i < nIn; i++) {
      for (let k = 0; k < r; k++) {
        const aik = a.data[i * r + k]! * scale;
        if (aik === 0) continue;
        for (let j = 0; j < nOut; j++) out[i * nOut + j]! += aik * b.data[k * nOut + j]!;
      }
    }
    weights.set(`${layer}.weight`, out);
    merged.push(layer);
  }
  return merged;
}

function _gpt2Config(c: GptConfig, name: string, tok: Tokenizer): Record<string, unknown> {
  const eos = tok.specialTokens.get("<|endoftext|>");
  return {
    ...gpt2HfConfig({ ...c, dropout: 0 }, name),
    use_cache: false,
    torch_dtype: "float32",
    ...(eos === undefined ? {} : { bos_token_id: eos, eos_token_id: eos }),
  };
}

/**
 * The tokenizer in Hugging Face's `tokenizer.json` format where it has one:
 * BPE and WordPiece tokenizers are already saved so; a character tokenizer
 * becomes a `BPE` model with no merges (each character one token), no
 * pre-tokenizer and a `Fuse` decoder. Word-level tokenizers keep codex's
 * own form (`format: "codex"`).
 *
 * @example
 * ```ts
 * import { CharTokenizer } from "../tokenizers/mod.ts";
 * import { huggingFaceTokenizerJson } from "./export_onnx.ts";
 * const tok = CharTokenizer.train("hello world").asTokenizer();
 * const { format, json } = huggingFaceTokenizerJson(tok);
 * const model = (json as { model: { type: string; vocab: Record<string, number> } }).model;
 * if (format !== "hugging-face" || model.type !== "BPE" || model.vocab["h"] !== tok.encode("h")[0]) {
 *   throw new Error("unexpected tokenizer.json");
 * }
 * ```
 */
export function huggingFaceTokenizerJson(tok: Tokenizer): { format: "hugging-face" | "codex"; json: unknown } {
  if (tok.type === "bpe" || tok.type === "wordpiece") return { format: "hugging-face", json: tok.toJSON() };
  if (tok.type !== "char") return { format: "codex", json: tok.toJSON() };
  const vocab: Record<string, number> = {};
  for (let id = 0; id < tok.vocabSize; id++) {
    const t = tok.idToToken(id);
    if (t !== undefined) vocab[t] = id;
  }
  const specials = [...tok.specialTokens].map(([content, id]) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const unk = tok.specialTokens.has("[UNK]") ? "[UNK]" : null;
  return {
    format: "hugging-face",
    json: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: specials,
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: { type: "Fuse" },
      model: {
        type: "BPE",
        dropout: null,
        unk_token: unk,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: [],
      },
    },
  };
}
