/**
 * Class probabilities of a classifier for a list of texts, encoded as the
 * classification trainer encodes them: `[CLS]` (id 2), then at most
 * `maxTokens` word ids.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { ClassificationModel } from "../models/mod.ts";

/**
 * One probability row per text (softmax of the logits, columns in label
 * order), scored `batch` texts at a time.
 *
 * @example
 * ```ts ignore
 * import { scoreClassifier } from "./score_classifier.ts";
 * const rows = scoreClassifier(model, (t) => tokenizer.encode(t), ["win a prize now"], { maxTokens: 256 });
 * ```
 */
export function scoreClassifier(
  model: ClassificationModel,
  encode: (text: string) => number[],
  texts: readonly string[],
  options: { maxTokens: number; batch?: number },
): number[][] {
  const B = options.batch ?? 64;
  const rows: number[][] = [];
  for (let i = 0; i < texts.length; i += B) {
    const encoded = texts.slice(i, i + B).map((t) => [2, ...encode(t).slice(0, options.maxTokens)]);
    const T = Math.max(...encoded.map((e) => e.length));
    const ids = new Int32Array(encoded.length * T), mask = new Int32Array(encoded.length * T);
    encoded.forEach((e, b) =>
      e.forEach((id, t) => {
        ids[b * T + t] = id;
        mask[b * T + t] = 1;
      })
    );
    const probs = tf.tidy(() =>
      tf.softmax(model.logits({ ids, mask, batch: encoded.length, time: T })).arraySync() as number[][]
    );
    rows.push(...probs);
  }
  return rows;
}
