/**
 * Hugging Face folders (GPT-2 and BERT/MiniLM): `config.json` + `model.safetensors`, with Hugging
 * Face's config keys and tensor names, so a GPT-2 downloaded elsewhere runs
 * here offline and ours load elsewhere. A name (not a path) resolves under
 * `CODEX_MODELS_DIR`.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import type { Model } from "./model.ts";
import { createModel } from "./registry.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { getWeights, setWeights } from "./weights.ts";

/**
 * Writes `dir/config.json` (Hugging Face keys) and `dir/model.safetensors`
 * (Hugging Face tensor names).
 *
 * @example
 * ```ts ignore
 * import { createModel, loadPretrained, savePretrained } from "../../mod.ts";
 * await savePretrained(createModel("gpt-nano"), "artifacts/models/nano");
 * const again = await loadPretrained("artifacts/models/nano");
 * ```
 */
export async function savePretrained(model: Model, dir: string, options: { name?: string } = {}): Promise<void> {
  if (model.family === "bert") return await saveBert(model, dir, options.name ?? "minilm");
  if (model.family !== "gpt") {
    throw new TypeError(`Cannot save pretrained: ${model.family} models have no Hugging Face layout (gpt and bert do)`);
  }
  const c = model.config;
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, "model.safetensors"), encodeSafetensors(getWeights(model), { format: "pt" }));
  await writeJsonAtomic(join(dir, "config.json"), {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    vocab_size: c.vocab_size,
    n_positions: c.block_size,
    n_ctx: c.block_size,
    n_embd: c.n_embd,
    n_layer: c.n_layer,
    n_head: c.n_head,
    layer_norm_epsilon: 1e-5,
    activation_function: "gelu_new",
    resid_pdrop: c.dropout,
    embd_pdrop: c.dropout,
    attn_pdrop: c.dropout,
    tie_word_embeddings: true,
    codex_model: options.name ?? "gpt2",
  });
}

async function saveBert(model: Model, dir: string, name: string): Promise<void> {
  const c = model.config;
  await Deno.mkdir(dir, { recursive: true });
  // BertForSequenceClassification's names: the encoder under "bert.", the head as "classifier.".
  const tensors = new Map([...getWeights(model)].map(([k, t]) => [k.startsWith("classifier.") ? k : `bert.${k}`, t]));
  await writeFileAtomic(join(dir, "model.safetensors"), encodeSafetensors(tensors, { format: "pt" }));
  await writeJsonAtomic(join(dir, "config.json"), {
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
    id2label: Object.fromEntries(Array.from({ length: c.num_labels as number }, (_, i) => [String(i), `LABEL_${i}`])),
    codex_model: name,
  });
}

async function loadBert(dir: string, cfg: Record<string, unknown>, path: string): Promise<Model> {
  if (cfg.hidden_act !== undefined && cfg.hidden_act !== "gelu") {
    throw new TypeError(
      `Cannot load pretrained: ${join(dir, "config.json")} uses hidden_act ${cfg.hidden_act} (supported: gelu)`,
    );
  }
  const labels = cfg.id2label
    ? Object.keys(cfg.id2label as object).length
    : (cfg.num_labels as number | undefined) ?? 2;
  const model = createModel(typeof cfg.codex_model === "string" ? cfg.codex_model : "minilm", {
    vocab_size: cfg.vocab_size as number,
    hidden_size: cfg.hidden_size as number,
    num_hidden_layers: cfg.num_hidden_layers as number,
    num_attention_heads: cfg.num_attention_heads as number,
    intermediate_size: cfg.intermediate_size as number,
    max_position_embeddings: cfg.max_position_embeddings as number,
    type_vocab_size: (cfg.type_vocab_size as number | undefined) ?? 2,
    layer_norm_eps: (cfg.layer_norm_eps as number | undefined) ?? 1e-12,
    dropout: 0,
    num_labels: Math.max(2, labels),
  });
  const { tensors } = decodeSafetensors(await Deno.readFile(path), path);
  const renamed = new Map([...tensors].map(([k, t]) => [k.replace(/^bert\./, ""), t]));
  // A bare encoder (all-MiniLM-L6-v2 is a BertModel) has no classifier: it keeps its fresh init.
  const fresh = getWeights(model);
  for (const k of ["classifier.weight", "classifier.bias", "pooler.dense.weight", "pooler.dense.bias"]) {
    if (!renamed.has(k)) renamed.set(k, fresh.get(k)!);
  }
  try {
    setWeights(model, renamed, {
      source: path,
      ignore: (n) => n === "embeddings.position_ids" || n.startsWith("cls."),
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

async function resolveDir(dirOrName: string): Promise<string> {
  for (const d of [dirOrName, join(Deno.env.get("CODEX_MODELS_DIR") ?? "", dirOrName)]) {
    try {
      if ((await Deno.stat(join(d, "config.json"))).isFile) return d;
    } catch {
      // try the next
    }
  }
  throw new Error(
    `Cannot load pretrained: no config.json in ${dirOrName}${
      Deno.env.get("CODEX_MODELS_DIR")
        ? ` or in CODEX_MODELS_DIR/${dirOrName}`
        : " (set CODEX_MODELS_DIR to look there too)"
    }`,
  );
}

/**
 * Reads a Hugging Face GPT-2 folder (ours, or one from the Hub): keys with or
 * without the `transformer.` prefix; the tied `lm_head.weight` and the
 * `attn.bias`/`attn.masked_bias` mask buffers are ignored; F16/BF16 weights
 * are upcast. Shape mismatches, missing and unknown tensors are named.
 */
export async function loadPretrained(dirOrName: string): Promise<Model> {
  const dir = await resolveDir(dirOrName);
  const cfgPath = join(dir, "config.json");
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(await Deno.readTextFile(cfgPath));
  } catch (err) {
    throw new SyntaxError(`Cannot load pretrained: ${cfgPath} is not JSON (${(err as Error).message})`);
  }
  if (cfg.model_type === "bert") return await loadBert(dir, cfg, join(dir, "model.safetensors"));
  if (cfg.model_type !== "gpt2") {
    throw new TypeError(
      `Cannot load pretrained: ${cfgPath} has model_type ${JSON.stringify(cfg.model_type)} (supported: "gpt2", "bert")`,
    );
  }
  if (cfg.activation_function !== undefined && cfg.activation_function !== "gelu_new") {
    throw new TypeError(
      `Cannot load pretrained: ${cfgPath} uses activation ${cfg.activation_function} (supported: gelu_new)`,
    );
  }
  const model = createModel(typeof cfg.codex_model === "string" ? cfg.codex_model : "gpt2", {
    vocab_size: cfg.vocab_size as number,
    block_size: (cfg.n_positions ?? cfg.n_ctx) as number,
    n_layer: cfg.n_layer as number,
    n_head: cfg.n_head as number,
    n_embd: cfg.n_embd as number,
    dropout: 0,
  });
  const path = join(dir, "model.safetensors");
  const { tensors } = decodeSafetensors(await Deno.readFile(path), path);
  const renamed = new Map([...tensors].map(([k, t]) => [k.replace(/^transformer\./, ""), t]));
  try {
    setWeights(model, renamed, {
      source: path,
      ignore: (n) => n === "lm_head.weight" || /\.attn\.(bias|masked_bias)$/.test(n),
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
