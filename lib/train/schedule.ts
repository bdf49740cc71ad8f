/**
 * Learning-rate schedules.
 *
 * @module
 */

/** Linear warmup then cosine decay to `minLr` at `totalSteps` (nanoGPT's schedule). */
export interface CosineSchedule {
  lr: number;
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

/**
 * The learning rate at `step` (0-based).
 *
 * @example
 * ```ts
 * import { cosineWithWarmup } from "./schedule.ts";
 * const s = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 100 };
 * if (cosineWithWarmup(100, s) !== 1e-4) throw new Error("should end at minLr");
 * ```
 */
export function cosineWithWarmup(step: number, s: CosineSchedule): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (step >= s.totalSteps) return s.minLr;
  const ratio = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (s.lr - s.minLr);
}
