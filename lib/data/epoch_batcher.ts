/**
 * Shuffled epochs for classification: each epoch visits every example once
 * in an order drawn from the seed and the epoch number; the position is a
 * small JSON state, so a resumed run continues with the same batches.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";

/** The batcher's position (saved in checkpoints). */
export interface EpochBatcherState {
  /** The seed the order of every epoch is drawn from. */
  seed: number;
  /** Examples per epoch. */
  size: number;
  /** Examples per batch. */
  batchSize: number;
  /** The current epoch, from 0. */
  epoch: number;
  /** How many examples of the current epoch were handed out. */
  position: number;
}

/**
 * Seeded, resumable shuffled epochs of example indices.
 *
 * @example
 * ```ts
 * import { EpochBatcher } from "./epoch_batcher.ts";
 * const a = new EpochBatcher(10, 4, 1);
 * a.next();
 * const b = EpochBatcher.fromState(a.state());
 * if (a.next().join() !== b.next().join()) throw new Error("resumed batches differ");
 * ```
 */
export class EpochBatcher {
  #s: EpochBatcherState;
  #order: number[] = [];

  /** `size` examples, `batchSize` per batch, the order drawn from `seed` (an integer). */
  constructor(size: number, batchSize: number, seed: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Cannot batch: the dataset has ${size} examples`);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`Cannot batch: batch size must be >= 1 (got ${batchSize})`);
    }
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Cannot batch: seed must be an integer (got ${seed})`);
    this.#s = { seed, size, batchSize, epoch: 0, position: 0 };
    this.#shuffle();
  }

  /** Continues from a saved {@linkcode EpochBatcher.state} (a TypeError or RangeError if it is not one). */
  static fromState(s: EpochBatcherState): EpochBatcher {
    for (const k of ["seed", "size", "batchSize", "epoch", "position"] as const) {
      if (!Number.isSafeInteger(s?.[k])) {
        throw new TypeError(`Cannot resume batches: the saved state needs an integer "${k}" (got ${s?.[k]})`);
      }
    }
    if (s.epoch < 0 || s.position < 0 || s.position > s.size) {
      throw new RangeError(
        `Cannot resume batches: epoch ${s.epoch}, position ${s.position} is outside an epoch of ${s.size} examples`,
      );
    }
    const b = new EpochBatcher(s.size, s.batchSize, s.seed);
    b.#s = { ...s };
    b.#shuffle();
    return b;
  }

  #shuffle(): void {
    const rng = Rng.stream(this.#s.seed, `epoch:${this.#s.epoch}`);
    const order = Array.from({ length: this.#s.size }, (_, i) => i);
    for (let k = order.length - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    this.#order = order;
  }

  /** The next batch of indices (the last batch of an epoch may be smaller). */
  next(): number[] {
    if (this.#s.position >= this.#s.size) {
      this.#s.epoch++;
      this.#s.position = 0;
      this.#shuffle();
    }
    const batch = this.#order.slice(this.#s.position, this.#s.position + this.#s.batchSize);
    this.#s.position += batch.length;
    return batch;
  }

  /** The current epoch (0-based). */
  get epoch(): number {
    return this.#s.epoch;
  }

  /** The position, as JSON-safe state. */
  state(): EpochBatcherState {
    return { ...this.#s };
  }
}
