/**
 * Scores a language model on a token stream: every non-overlapping window
 * of `block_size` tokens, its mean next-token negative log-likelihood and
 * accuracy, and what the model predicted there.
 *
 * @module
 */
import { oneHot, tf } from "../backend/mod.ts";
import type { LanguageModel } from "../models/mod.ts";
import { allWindows, evalWindowsPerBatch } from "../train/mod.ts";

/** One window of a split, as `eval/predictions.ndjson` records it. */
export interface WindowPrediction {
  /** Window number, from 0. */
  index: number;
  /** Offset of its first input token in the split. */
  start: number;
  /** Mean negative log-likelihood of its targets, nats per token. */
  loss: number;
  /** Share of its targets that are the arg max of the logits. */
  accuracy: number;
  /** The targets, decoded. */
  text: string;
  /** The arg max at each position, decoded. */
  predicted: string;
}

/** Per-window scores of a language model on a split. */
export interface LanguageModelScores {
  /** Mean NLL of each window (nats per token). */
  losses: number[];
  /** Token accuracy of each window. */
  hits: number[];
  /** Tokens scored (windows x block size). */
  tokens: number;
  /** Each window with its text and predictions. */
  windows: WindowPrediction[];
}

/**
 * Scores `model` on every non-overlapping window of `ids` (as
 * {@linkcode allWindows} cuts them), `batch` windows per forward pass.
 *
 * @example
 * ```ts ignore
 * import { scoreLanguageModel } from "./score_language_model.ts";
 * const s = scoreLanguageModel(model, (ids) => tokenizer.decode(ids), valIds);
 * console.log(s.losses.reduce((a, b) => a + b) / s.losses.length);
 * ```
 */
export function scoreLanguageModel(
  model: LanguageModel,
  decode: (ids: Int32Array) => string,
  ids: ArrayLike<number>,
  options: { batch?: number } = {},
): LanguageModelScores {
  const T = model.config.block_size, V = model.config.vocab_size;
  const out: LanguageModelScores = { losses: [], hits: [], tokens: 0, windows: [] };
  for (const b of allWindows(ids, options.batch ?? evalWindowsPerBatch(T, V, 32), T)) {
    const [nll, argmax] = tf.tidy(() => {
      const logits = model.logits(b.x, b.batch, b.time);
      const picked = tf.sum(tf.mul(tf.logSoftmax(logits), oneHot(tf.tensor1d(b.y, "int32"), V)), -1);
      return [tf.neg(picked).dataSync() as Float32Array, tf.argMax(logits, -1).dataSync() as Int32Array];
    });
    for (let w = 0; w < b.batch; w++) {
      let loss = 0, hit = 0;
      for (let t = w * T; t < (w + 1) * T; t++) {
        loss += nll[t]!;
        if (argmax[t] === b.y[t]) hit++;
      }
      const index = out.losses.length;
      out.losses.push(loss / T);
      out.hits.push(hit / T);
      out.windows.push({
        index,
        start: index * T,
        loss: loss / T,
        accuracy: hit / T,
        text: decode(b.y.subarray(w * T, (w + 1) * T)),
        predicted: decode(argmax.subarray(w * T, (w + 1) * T)),
      });
    }
    out.tokens += b.batch * T;
  }
  return out;
}
