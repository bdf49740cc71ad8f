/**
 * The tokenizer a language-model run trains with: characters, a byte-level
 * BPE trained on the run's training text, or the real GPT-2 encoding.
 *
 * @module
 */
import type { RunConfig } from "../config/mod.ts";
import { CharTokenizer, loadTokenizer, type Tokenizer, trainTokenizer } from "../tokenizers/mod.ts";

/**
 * Tokenizer names a language model trains with.
 *
 * @example
 * ```ts
 * import { LANGUAGE_MODEL_TOKENIZERS } from "./language_model_tokenizer.ts";
 * if (!LANGUAGE_MODEL_TOKENIZERS.includes("bpe") || LANGUAGE_MODEL_TOKENIZERS.includes("wordpiece")) {
 *   throw new Error(LANGUAGE_MODEL_TOKENIZERS.join());
 * }
 * ```
 */
export const LANGUAGE_MODEL_TOKENIZERS: readonly string[] = ["char", "bpe", "gpt2"];

/**
 * BPE vocabulary size when `tokenizer.vocab_size` is not set.
 *
 * @example
 * ```ts
 * import { DEFAULT_BPE_VOCAB_SIZE } from "./language_model_tokenizer.ts";
 * if (DEFAULT_BPE_VOCAB_SIZE !== 1024) throw new Error(String(DEFAULT_BPE_VOCAB_SIZE));
 * ```
 */
export const DEFAULT_BPE_VOCAB_SIZE = 1024;

/**
 * Builds the tokenizer of `spec` for a language model. `char` takes every
 * character of `text` (the whole corpus, so validation has no unknown
 * characters; the vocabulary is part of the data, not learned from it);
 * `bpe` trains byte-level BPE to `vocab_size` (default 1,024) on
 * `trainText` only, so the validation split never shapes the merges; `gpt2`
 * is the real GPT-2 encoding (50,257 ids). Any other name is a RangeError
 * naming the ones that work.
 *
 * @example
 * ```ts
 * import { languageModelTokenizer } from "./language_model_tokenizer.ts";
 * const tok = await languageModelTokenizer({ name: "bpe", vocab_size: 300 }, "the whale the whale", "the whale");
 * if (tok.decode(tok.encodeIds("the whale")) !== "the whale") throw new Error("round trip failed");
 * ```
 */
export async function languageModelTokenizer(
  spec: RunConfig["tokenizer"],
  text: string,
  trainText: string,
  onProgress?: (message: string) => void,
): Promise<Tokenizer> {
  switch (spec.name) {
    case "char":
      return CharTokenizer.train(text).asTokenizer();
    case "bpe": {
      const vocabSize = spec.vocab_size ?? DEFAULT_BPE_VOCAB_SIZE;
      const t0 = performance.now();
      const tok = await trainTokenizer({ type: "bpe", vocabSize }, trainText);
      onProgress?.(
        `Trained byte-level BPE to ${tok.vocabSize} tokens on ${
          trainText.length.toLocaleString("en-US")
        } characters in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      return tok;
    }
    case "gpt2":
      return await loadTokenizer("gpt2");
    default:
      throw new RangeError(
        `Cannot train a language model: tokenizer.name must be one of ${LANGUAGE_MODEL_TOKENIZERS.join(", ")} (got ${
          JSON.stringify(spec.name)
        }; word is for classifiers)`,
      );
  }
}
