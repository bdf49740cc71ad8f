/**
 * The abort reason that stops a sweep trial early: aborting a training
 * signal with it marks the run `pruned` (not `interrupted`) and records the
 * reason as a `pruned` event.
 *
 * @module
 */

/**
 * Why a trial was stopped, with the numbers behind the decision.
 *
 * @example
 * ```ts
 * import { TrialPruned } from "./trial_pruned.ts";
 * const abort = new AbortController();
 * abort.abort(new TrialPruned("best val loss 2.5 is worse than the median 2.1", { median: 2.1 }));
 * if (!(abort.signal.reason instanceof TrialPruned)) throw new Error("reason lost");
 * ```
 */
export class TrialPruned extends Error {
  /** The numbers behind the decision (step, best, median, trials compared). */
  readonly data: Record<string, unknown>;
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = "TrialPruned";
    this.data = data;
  }
}
