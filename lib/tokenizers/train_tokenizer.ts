/**
 * `trainTokenizer`: one entry point for every kind of tokenizer.
 *
 * @module
 */
import { BpeTokenizer } from "./bpe_tokenizer.ts";
import type { TrainProgress } from "./bpe_trainer.ts";
import { CharTokenizer } from "./char_tokenizer.ts";
import type { Tokenizer, TokenizerType } from "./tokenizer.ts";
import { WordPieceTokenizer } from "./wordpiece_tokenizer.ts";
import { WordTokenizer } from "./word_tokenizer.ts";

/**
 * The kinds {@linkcode trainTokenizer} trains.
 *
 * @example
 * ```ts
 * import { TOKENIZER_TYPES } from "./train_tokenizer.ts";
 * if (TOKENIZER_TYPES.join() !== "bpe,wordpiece,word,char") throw new Error(TOKENIZER_TYPES.join());
 * ```
 */
export const TOKENIZER_TYPES: readonly TokenizerType[] = ["bpe", "wordpiece", "word", "char"];

/** What to train. */
export interface TrainTokenizerConfig {
  type: TokenizerType;
  /** Vocabulary size, special tokens (and for BPE the 256 bytes) included. */
  vocabSize: number;
  /** Minimum count of a merged pair (BPE, WordPiece; default 2) or a kept word or character (default 1). */
  minFrequency?: number;
  /**
   * Special tokens, given the first ids (the last for char). Defaults: BPE
   * `<|endoftext|>`; WordPiece `[PAD] [UNK] [CLS] [SEP] [MASK]`; word
   * `[PAD] [UNK] [CLS]`; char `[UNK]` (so unseen characters encode).
   */
  specialTokens?: string[];
  /**
   * Word: punctuation and symbols are tokens of their own (default true, so
   * encoding loses only spacing and case; false gives the bag-of-words form).
   */
  punctuation?: boolean;
  /** WordPiece: lowercase (default true). */
  lowercase?: boolean;
  /** WordPiece: strip accents (default: as `lowercase`). */
  stripAccents?: boolean;
  /** BPE and WordPiece: called every few merges and at the end. */
  onProgress?: (p: TrainProgress) => void;
}

/**
 * Trains a tokenizer of `config.type` on `texts` (a string or several).
 * Bad settings are errors here, before any work: an unknown type, a
 * vocabulary size that is not a positive integer, an empty or repeated
 * special token, a WordPiece or word tokenizer without `[UNK]`.
 *
 * @example
 * ```ts
 * import { trainTokenizer } from "./train_tokenizer.ts";
 * const tok = await trainTokenizer({ type: "bpe", vocabSize: 300 }, ["the whale, the whale!"]);
 * if (tok.decode(tok.encode("the whale")) !== "the whale") throw new Error("round trip failed");
 * ```
 */
export function trainTokenizer(config: TrainTokenizerConfig, texts: string | Iterable<string>): Promise<Tokenizer> {
  // Settings errors reject the promise rather than throwing synchronously.
  return new Promise((resolve) => resolve(_train(config, typeof texts === "string" ? [texts] : [...texts])));
}

function _train(config: TrainTokenizerConfig, texts: string[]): Tokenizer {
  const { type, vocabSize, specialTokens } = config;
  if (!TOKENIZER_TYPES.includes(type)) {
    throw new RangeError(
      `Cannot train tokenizer: type ${JSON.stringify(type)} is not one of ${TOKENIZER_TYPES.join(", ")}`,
    );
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new RangeError(`Cannot train tokenizer: vocabSize must be a positive integer (got ${vocabSize})`);
  }
  if (specialTokens !== undefined) {
    const bad = specialTokens.find((s, i) => typeof s !== "string" || s === "" || specialTokens.indexOf(s) !== i);
    if (bad !== undefined) {
      throw new RangeError(`Cannot train tokenizer: special token ${JSON.stringify(bad)} is empty or repeated`);
    }
    if ((type === "wordpiece" || type === "word") && !specialTokens.includes("[UNK]")) {
      throw new RangeError(`Cannot train tokenizer: a ${type} tokenizer needs "[UNK]" among its special tokens`);
    }
  }
  const common = {
    vocabSize,
    ...(config.minFrequency === undefined ? {} : { minFrequency: config.minFrequency }),
    ...(specialTokens === undefined ? {} : { specialTokens }),
  };
  const progress = config.onProgress ? { onProgress: config.onProgress } : {};
  switch (type) {
    case "bpe": {
      const least = 256 + (specialTokens?.length ?? 1);
      if (vocabSize < least) {
        throw new RangeError(
          `Cannot train tokenizer: a byte-level BPE vocabulary needs at least ${least} tokens (256 bytes and the special tokens; got ${vocabSize})`,
        );
      }
      return BpeTokenizer.train(texts, { ...common, ...progress });
    }
    case "wordpiece":
      return WordPieceTokenizer.train(texts, {
        ...common,
        ...progress,
        ...(config.lowercase === undefined ? {} : { lowercase: config.lowercase }),
        ...(config.stripAccents === undefined ? {} : { stripAccents: config.stripAccents }),
      });
    case "word":
      return WordTokenizer.train(texts, { ...common, punctuation: config.punctuation ?? true });
    case "char":
      return CharTokenizer.train(texts, { specialTokens: ["[UNK]"], ...common }).asTokenizer();
  }
}
