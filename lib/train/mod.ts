/**
 * Training: the language-model loop, optimizers (AdamW, SGD), schedules and batches.
 *
 * @module
 */
export {
  architectureKeys,
  readRunConfig,
  resumeConfig,
  type StepProgress,
  type TrainCallbacks,
  trainLanguageModel,
  type TrainOptions,
  type TrainResult,
} from "./train_lm.ts";
export { accumulateGradients, AdamW, type AdamWOptions, clipByGlobalNorm, clipScale, gradientNorm } from "./adamw.ts";
export { Sgd, type SgdOptions } from "./sgd.ts";
export { createOptimizer, type Optimizer, type OptimizerConfig } from "./optimizer.ts";
export { learningRate, type LrSchedule } from "./schedule.ts";
export {
  allWindows,
  type Batch,
  EVAL_LOGITS_BUDGET,
  evalWindowsPerBatch,
  evenBatches,
  randomBatch,
} from "./batches.ts";
export { loadRunModel, type RunModel } from "./load_run_model.ts";
export {
  DEFAULT_BPE_VOCAB_SIZE,
  LANGUAGE_MODEL_TOKENIZERS,
  languageModelTokenizer,
} from "./language_model_tokenizer.ts";
export { type BatchGradients, DataParallel } from "./data_parallel.ts";
export { type ClassifierResult, trainClassifier } from "./train_classifier.ts";
export { TrialPruned } from "./trial_pruned.ts";
