/**
 * Training: the language-model loop, AdamW, schedules and batches.
 *
 * @module
 */
export {
  type StepProgress,
  type TrainCallbacks,
  trainLanguageModel,
  type TrainOptions,
  type TrainResult,
} from "./train_lm.ts";
export { AdamW, type AdamWOptions, clipByGlobalNorm } from "./adamw.ts";
export { type CosineSchedule, cosineWithWarmup } from "./schedule.ts";
export { allWindows, type Batch, evenBatches, randomBatch } from "./batches.ts";
