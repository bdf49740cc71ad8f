/**
 * Models: the GPT decoder, the registry, n-gram baselines, generation and
 * safetensors.
 *
 * @module
 */
export { Gpt, type GptConfig, gptParamShapes, initGptWeights, type LanguageModel, validateGptConfig } from "./gpt.ts";
export {
  createModel,
  getModelEntry,
  gptParamCount,
  listModels,
  type ModelEntry,
  modelPresets,
  registerModel,
} from "./registry.ts";
export { ngramLoss } from "./ngram.ts";
export { generate, type GenerateOptions, sampleLogits } from "./generate.ts";
export { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";
