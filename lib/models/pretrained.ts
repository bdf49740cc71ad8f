/**
 * Model folders: `config.json` + `model.safetensors`. GPT-2 and BERT/MiniLM
 * use Hugging Face's config keys and tensor names, so a GPT-2 or an
 * all-MiniLM-L6-v2 downloaded elsewhere runs here offline and ours load in
 * transformers; the other families (char-lstm, bow-linear, a user's) are
 * written in the same two files with codex's own config (`model_type:
 * "codex"`). A name (not a path) resolves under `CODEX_MODELS_DIR`.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import type { Model, ModelConfig } from "./model.ts";
import type { GptConfig } from "./gpt.ts";
import { createModel, getModelEntry } from "./registry.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";
import { getWeights, setWeights } from "./weights.ts";

/** Options of {@linkcode savePretrained}. */
export interface SavePretrainedOptions {
  /**
   * The model's registry name, written as `codex_model` so {@linkcode loadPretrained}
   * rebuilds the same entry. Default: the family's usual entry (`gpt2`, `minilm`,
   * `char-lstm`, `bow-linear`); a family of your own needs it.
   */
  name?: string;
}

const _familyNames: Record<string, string> = {
  gpt: "gpt2",
  bert: "minilm",
  lstm: "char-lstm",
  "bow-linear": "bow-linear",
};

type _Folder = { config: Record<string, unknown>; tensors: Map<string, NamedTensor> };

/**
 * A GPT's `config.json` in Hugging Face's GPT-2 form (`GPT2LMHeadModel`), with
 * `codex_model` naming the registry entry that rebuilds it.
 *
 * @example
 * ```ts
 * import { gpt2HfConfig } from "./pretrained.ts";
 * const c = gpt2HfConfig({ vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 }, "gpt-nano");
 * if (c.model_type !== "gpt2" || c.n_positions !== 8) throw new Error("not a GPT-2 config");
 * ```
 */
export function gpt2HfConfig(c: GptConfig, name: string): Record<string, unknown> {
  return {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    vocab_size: c.vocab_size,
    n_positions: c.block_size,
    n_ctx: c.block_size,
    n_embd: c.n_embd,
    n_layer: c.n_layer,
    n_head: c.n_head,
    n_inner: null,
    layer_norm_epsilon: 1e-5,
    activation_function: "gelu_new",
    resid_pdrop: c.dropout,
    embd_pdrop: c.dropout,
    attn_pdrop: c.dropout,
    initializer_range: 0.02,
    tie_word_embeddings: true,
    codex_model: name,
  };
}

function _gpt2Folder(model: Model, name: string): _Folder {
  return { tensors: getWeights(model), config: gpt2HfConfig(model.config as unknown as GptConfig, name) };
}

function _bertFolder(model: Model, name: string): _Folder {
  const c = model.config;
  const labels = Array.from({ length: c.num_labels as number }, (_, i) => `LABEL_${i}`);
  return {
    // BertForSequenceClassification's names: the encoder under "bert.", the head as "classifier.".
    tensors: new Map([...getWeights(model)].map(([k, t]) => [k.startsWith("classifier.") ? k : `bert.${k}`, t])),
    config: {
      architectures: ["BertForSequenceClassification"],
      model_type: "bert",
      vocab_size: c.vocab_size,
      hidden_size: c.hidden_size,
      num_hidden_layers: c.num_hidden_layers,
      num_attention_heads: c.num_attention_heads,
      intermediate_size: c.intermediate_size,
      max_position_embeddings: c.max_position_embeddings,
      type_vocab_size: c.type_vocab_size,
      layer_norm_eps: c.layer_norm_eps,
      hidden_act: "gelu",
      hidden_dropout_prob: c.dropout,
      attention_probs_dropout_prob: c.dropout,
      position_embedding_type: "absolute",
      pad_token_id: 0,
      initializer_range: 0.02,
      id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
      codex_model: name,
    },
  };
}

/**
 * Writes `dir/config.json` and `dir/model.safetensors` (F32). GPT models are
 * written as Hugging Face's `GPT2LMHeadModel` (bare GPT-2 names, as on the
 * Hub; the head is tied), BERT models as `BertForSequenceClassification`
 * (encoder under `bert.`, head as `classifier.`); any other family in codex's
 * layout (`model_type: "codex"`, its registry name and config).
 *
 * @example
 * ```ts ignore
 * import { createModel, loadPretrained, savePretrained } from "../../mod.ts";
 * await savePretrained(createModel("gpt-nano"), "artifacts/models/nano", { name: "gpt-nano" });
 * const again = await loadPretrained("artifacts/models/nano");
 * ```
 */
export async function savePretrained(model: Model, dir: string, options: SavePretrainedOptions = {}): Promise<void> {
  const name = options.name ?? _familyNames[model.family];
  if (name === undefined) {
    throw new TypeError(`Cannot save pretrained: pass options.name, the registry name of this ${model.family} model`);
  }
  const entry = getModelEntry(name);
  if (entry.family !== model.family) {
    throw new TypeError(
      `Cannot save pretrained: registry entry ${name} is a ${entry.family} model (this one is ${model.family})`,
    );
  }
  const { config, tensors } = model.family === "gpt"
    ? _gpt2Folder(model, name)
    : model.family === "bert"
    ? _bertFolder(model, name)
    : { config: { model_type: "codex", codex_model: name, ...model.config }, tensors: getWeights(model) };
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, "model.safetensors"), encodeSafetensors(tensors, { format: "pt" }));
  await writeJsonAtomic(join(dir, "config.json"), config);
}

async function _resolveDir(dirOrName: string): Promise<string> {
  const modelsDir = Deno.env.get("CODEX_MODELS_DIR");
  for (const d of modelsDir ? [dirOrName, join(modelsDir, dirOrName)] : [dirOrName]) {
    try {
      if ((await Deno.stat(join(d, "config.json"))).isFile) return d;
    } catch {
      // try the next
    }
  }
  throw new Deno.errors.NotFound(
    `Cannot load pretrained: no config.json in ${dirOrName}${
      modelsDir ? ` or in CODEX_MODELS_DIR/${dirOrName}` : " (set CODEX_MODELS_DIR to look there too)"
    }`,
  );
}

async function _readTensors(dir: string): Promise<{ path: string; tensors: Map<string, NamedTensor> }> {
  const path = join(dir, "model.safetensors");
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    const hasBin = await Deno.stat(join(dir, "pytorch_model.bin")).then(() => true, () => false);
    throw new Deno.errors.NotFound(
      `Cannot load pretrained: ${dir} has no model.safetensors${
        hasBin ? " (only pytorch_model.bin, which codex does not read: convert it to safetensors)" : ""
      }`,
    );
  }
  return { path, tensors: decodeSafetensors(bytes, path).tensors };
}

/** Assigns the tensors to a fresh model; on any problem the model is released and the error names them all. */
function _assign(
  model: Model,
  tensors: Map<string, NamedTensor>,
  path: string,
  ignore: (name: string) => boolean = () => false,
): Model {
  try {
    setWeights(model, tensors, { source: path, ignore });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

function _unsupported(cfgPath: string, problems: (string | false)[]): void {
  const found = problems.filter((p) => p !== false);
  if (found.length) throw new TypeError(`Cannot load pretrained: ${cfgPath} ${found.join("; ")}`);
}

function _codexName(cfg: Record<string, unknown>, fallback: string): string {
  return typeof cfg.codex_model === "string" ? cfg.codex_model : fallback;
}

async function _loadGpt2(dir: string, cfg: Record<string, unknown>, cfgPath: string): Promise<Model> {
  const C = cfg.n_embd as number;
  const eps = cfg.layer_norm_epsilon as number | undefined;
  _unsupported(cfgPath, [
    cfg.activation_function !== undefined && cfg.activation_function !== "gelu_new" &&
    `uses activation_function ${JSON.stringify(cfg.activation_function)} (supported: "gelu_new")`,
    eps !== undefined && Math.abs(eps - 1e-5) > 1e-12 && `has layer_norm_epsilon ${eps} (supported: 1e-5)`,
    cfg.n_inner !== undefined && cfg.n_inner !== null && cfg.n_inner !== 4 * C &&
    `has n_inner ${cfg.n_inner} (supported: 4 * n_embd = ${4 * C})`,
    cfg.tie_word_embeddings === false && "unties the head (tie_word_embeddings: false; codex ties it)",
    cfg.scale_attn_by_inverse_layer_idx === true && "sets scale_attn_by_inverse_layer_idx (not supported)",
  ]);
  const { path, tensors } = await _readTensors(dir);
  const renamed = new Map([...tensors].map(([k, t]) => [k.replace(/^transformer\./, ""), t]));
  // The head is tied: a stored lm_head.weight must be the token embedding itself.
  const head = renamed.get("lm_head.weight"), wte = renamed.get("wte.weight");
  if (head && wte && (head.data.length !== wte.data.length || head.data.some((v, i) => v !== wte.data[i]))) {
    throw new TypeError(`Cannot load ${path}: lm_head.weight differs from wte.weight (codex ties the head to wte)`);
  }
  return _assign(
    createModel(_codexName(cfg, "gpt2"), {
      vocab_size: cfg.vocab_size as number,
      block_size: (cfg.n_positions ?? cfg.n_ctx) as number,
      n_layer: cfg.n_layer as number,
      n_head: cfg.n_head as number,
      n_embd: C,
      dropout: (cfg.resid_pdrop as number | undefined) ?? 0,
    }),
    renamed,
    path,
    (n) => n === "lm_head.weight" || /\.attn\.(bias|masked_bias)$/.test(n),
  );
}

async function _loadBert(dir: string, cfg: Record<string, unknown>, cfgPath: string): Promise<Model> {
  _unsupported(cfgPath, [
    cfg.hidden_act !== undefined && cfg.hidden_act !== "gelu" &&
    `uses hidden_act ${JSON.stringify(cfg.hidden_act)} (supported: "gelu")`,
    cfg.position_embedding_type !== undefined && cfg.position_embedding_type !== "absolute" &&
    `uses position_embedding_type ${JSON.stringify(cfg.position_embedding_type)} (supported: "absolute")`,
  ]);
  const labels = cfg.id2label ? Object.keys(cfg.id2label as object).length : (cfg.num_labels as number | undefined);
  const { path, tensors } = await _readTensors(dir);
  const renamed = new Map([...tensors].map(([k, t]) => [k.replace(/^bert\./, ""), t]));
  const overrides = {
    vocab_size: cfg.vocab_size as number,
    hidden_size: cfg.hidden_size as number,
    num_hidden_layers: cfg.num_hidden_layers as number,
    num_attention_heads: cfg.num_attention_heads as number,
    intermediate_size: cfg.intermediate_size as number,
    max_position_embeddings: cfg.max_position_embeddings as number,
    type_vocab_size: (cfg.type_vocab_size as number | undefined) ?? 2,
    layer_norm_eps: (cfg.layer_norm_eps as number | undefined) ?? 1e-12,
    dropout: (cfg.hidden_dropout_prob as number | undefined) ?? 0,
    num_labels: Math.max(2, labels ?? 2),
  };
  const model = createModel(_codexName(cfg, "minilm"), overrides);
  // A bare encoder (all-MiniLM-L6-v2 is a BertModel) has no classifier, maybe no pooler: those keep their fresh init.
  for (const k of ["classifier.weight", "classifier.bias", "pooler.dense.weight", "pooler.dense.bias"]) {
    const v = model.params.get(k);
    if (!renamed.has(k) && v) renamed.set(k, { shape: [...v.shape], data: v.dataSync() as Float32Array });
  }
  return _assign(model, renamed, path, (n) => n === "embeddings.position_ids" || n.startsWith("cls."));
}

async function _loadCodex(dir: string, cfg: Record<string, unknown>, cfgPath: string): Promise<Model> {
  if (typeof cfg.codex_model !== "string") {
    throw new TypeError(`Cannot load pretrained: ${cfgPath} has model_type "codex" but no codex_model name`);
  }
  const entry = getModelEntry(cfg.codex_model);
  const overrides = Object.fromEntries(Object.keys(entry.defaults).filter((k) => k in cfg).map((k) => [k, cfg[k]]));
  const { path, tensors } = await _readTensors(dir);
  return _assign(createModel(entry.name, overrides as Partial<ModelConfig>), tensors, path);
}

/**
 * Reads a model folder: ours, or a Hugging Face GPT-2 or BERT (MiniLM) one
 * from the Hub. GPT-2 keys with or without the `transformer.` prefix (a stored
 * `lm_head.weight` must equal `wte.weight`; the `attn.bias`/`attn.masked_bias`
 * buffers are ignored); BERT keys with or without `bert.` (the
 * `position_ids` buffer and `cls.*` heads ignored; a bare `BertModel` keeps
 * a fresh pooler and classifier, with `num_labels` from `id2label`); F16 and
 * BF16 weights are upcast. Missing, unknown and mis-shaped tensors are all
 * named in one error, and config settings codex does not implement are refused.
 *
 * @example
 * ```ts ignore
 * import { loadPretrained } from "../../mod.ts";
 * // CODEX_MODELS_DIR=~/models holds all-MiniLM-L6-v2/{config.json,model.safetensors}
 * const encoder = await loadPretrained("all-MiniLM-L6-v2");
 * ```
 */
export async function loadPretrained(dirOrName: string): Promise<Model> {
  const dir = await _resolveDir(dirOrName);
  const cfgPath = join(dir, "config.json");
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(await Deno.readTextFile(cfgPath));
  } catch (err) {
    throw new SyntaxError(`Cannot load pretrained: ${cfgPath} is not JSON (${(err as Error).message})`);
  }
  if (typeof cfg !== "object" || cfg === null || Array.isArray(cfg)) {
    throw new SyntaxError(`Cannot load pretrained: ${cfgPath} is not a JSON object`);
  }
  if (cfg.model_type === "gpt2") return await _loadGpt2(dir, cfg, cfgPath);
  if (cfg.model_type === "bert") return await _loadBert(dir, cfg, cfgPath);
  if (cfg.model_type === "codex") return await _loadCodex(dir, cfg, cfgPath);
  throw new TypeError(
    `Cannot load pretrained: ${cfgPath} has model_type ${
      JSON.stringify(cfg.model_type)
    } (supported: "gpt2", "bert", "codex")`,
  );
}
