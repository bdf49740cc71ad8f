/**
 * Models: the registry, the GPT decoder, the BERT encoder, the char-LSTM and
 * bag-of-words baselines, weights by name, model folders (Hugging Face
 * layout), LoRA, n-gram baselines, generation (with the decoders' caches) and
 * safetensors.
 *
 * @module
 */
export {
  type AdaptableModel,
  type ClassificationModel,
  type DecoderCache,
  type DecoderStep,
  type EncoderBatch,
  type IncrementalLanguageModel,
  isAdaptable,
  isIncremental,
  isLanguageModel,
  type LanguageModel,
  type LinearAdapter,
  type Model,
  type ModelConfig,
} from "./model.ts";
export { Lora, type LoraOptions } from "./lora.ts";
export { Gpt, GptCache, type GptConfig, gptParamShapes, initGptWeights, validateGptConfig } from "./gpt.ts";
export { buildGptGraph, type GptGraphOptions } from "./gpt_graph.ts";
export { GptNative, type NativeGradients } from "./gpt_native.ts";
export { BowLinear, type BowLinearConfig } from "./bow_linear.ts";
export { CharLstm, type CharLstmConfig, charLstmShapes, CharLstmState, validateCharLstmConfig } from "./char_lstm.ts";
export { Bert, type BertConfig, bertParamShapes, validateBertConfig } from "./bert.ts";
export {
  createModel,
  getModelEntry,
  GptConfigSchema,
  gptParamCount,
  listModels,
  type ModelEntry,
  type ModelInfo,
  modelPresets,
  registerModel,
  resolveModelConfig,
} from "./registry.ts";
export { getWeights, setWeights, type SetWeightsOptions } from "./weights.ts";
export { gpt2HfConfig, loadPretrained, savePretrained, type SavePretrainedOptions } from "./pretrained.ts";
export { ngramLoss } from "./ngram.ts";
export { generate, type GenerateOptions, sampleLogits, streamTokens } from "./generate.ts";
export { benchGeneration, type BenchGenerationOptions } from "./bench_generation.ts";
export { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";
