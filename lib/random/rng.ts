/**
 * A small, fast, seedable random number generator (xoshiro128**) whose whole
 * state is four 32-bit words, so it can be saved in a checkpoint and restored
 * to continue the exact same stream.
 *
 * @module
 */

/** The serialisable state of an {@linkcode Rng}: four unsigned 32-bit words. */
export type RngState = [number, number, number, number];

/**
 * Seeded pseudo-random numbers: one seed gives one stream on every machine.
 *
 * @example Same seed, same stream
 * ```ts
 * import { Rng } from "./rng.ts";
 * const a = new Rng(7), b = new Rng(7);
 * if (a.next() !== b.next()) throw new Error("streams differ");
 * ```
 */
export class Rng {
  #s: Uint32Array = new Uint32Array(4);

  /** Seeds the generator; the seed is expanded with splitmix32. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new TypeError(`Cannot seed Rng: seed must be a finite number (got ${seed})`);
    }
    let x = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  /**
   * An independent stream for one purpose (`"init"`, `"batches"`,
   * `"sample"`), derived from a run's seed, so adding draws to one purpose
   * never shifts another.
   */
  static stream(seed: number, purpose: string): Rng {
    let h = 0x811c9dc5;
    for (const ch of purpose) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
    return new Rng((h ^ Math.imul(Math.trunc(seed) >>> 0, 0x9e3779b1)) >>> 0);
  }

  /** Restores a generator from {@linkcode Rng.state}. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }

  /** The current state; `Rng.fromState(r.state())` continues the same stream. */
  state(): RngState {
    const s = this.#s;
    return [s[0]!, s[1]!, s[2]!, s[3]!];
  }

  /** Replaces the state (see {@linkcode Rng.state}). */
  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 4 || state.some((v) => !Number.isInteger(v))) {
      throw new TypeError(`Cannot restore Rng: expected 4 integers (got ${JSON.stringify(state)})`);
    }
    this.#s.set(state);
  }

  /** The next unsigned 32-bit integer. */
  nextU32(): number {
    const s = this.#s;
    const s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return r;
  }

  /** A float in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) {
      throw new RangeError(`Cannot draw an integer: n must be a positive integer (got ${n})`);
    }
    return Math.floor(this.next() * n);
  }

  /**
   * A standard normal sample (Box-Muller). No second value is cached, so the
   * four-word state is the whole state.
   */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of `n` normal samples with the given standard deviation. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
