/**
 * Learning-rate schedules: linear warmup, then cosine or linear decay to
 * `minLr` at `totalSteps`, or a constant rate.
 *
 * @module
 */

/** A schedule's settings. */
export interface LrSchedule {
  /** Shape after warmup (default cosine). */
  kind?: "cosine" | "linear" | "constant";
  /** Peak rate, reached at the end of warmup. */
  lr: number;
  /** Rate at `totalSteps` and after. */
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

/**
 * The learning rate at `step` (0-based): nanoGPT's warmup then decay.
 *
 * @example
 * ```ts
 * import { learningRate } from "./schedule.ts";
 * const s = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 100 };
 * if (learningRate(100, s) !== 1e-4) throw new Error("should end at minLr");
 * ```
 */
export function learningRate(step: number, s: LrSchedule): number {
  const kind = s.kind ?? "cosine";
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (kind === "constant") return s.lr;
  if (step >= s.totalSteps) return s.minLr;
  const ratio = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  const coeff = kind === "linear" ? 1 - ratio : 0.5 * (1 + Math.cos(Math.PI * ratio));
  return s.minLr + coeff * (s.lr - s.minLr);
}
