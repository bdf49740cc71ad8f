/**
 * Tokenizers: character, word, byte-level BPE (GPT-2) and WordPiece (BERT),
 * behind one {@linkcode Tokenizer} interface; training, batches with
 * padding, truncation, attention masks and offsets; Hugging Face
 * `tokenizer.json` and tiktoken rank files; the real GPT-2 encoding offline.
 *
 * @example Encode with GPT-2 and train a small BPE
 * ```ts ignore
 * import { loadTokenizer, trainTokenizer } from "./mod.ts";
 * const gpt2 = await loadTokenizer("gpt2");
 * console.log(gpt2.encode("Call me Ishmael.")); // [14134, 502, 1148, 21720, 417, 13]
 * const bpe = await trainTokenizer({ type: "bpe", vocabSize: 1000 }, ["some text ..."]);
 * await bpe.save("/tmp/tokenizer.json");
 * ```
 *
 * @module
 */
export type {
  BatchEncodeOptions,
  BatchEncoding,
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Tokenizer,
  TokenizerType,
} from "./tokenizer.ts";
export { loadTokenizer, type LoadTokenizerOptions, TOKENIZER_NAMES } from "./load_tokenizer.ts";
export { TOKENIZER_TYPES, trainTokenizer, type TrainTokenizerConfig } from "./train_tokenizer.ts";
export { encodeBatch } from "./encode_batch.ts";
export { CharTokenizer, type CharTokenizerJson, type CharTrainOptions } from "./char_tokenizer.ts";
export { WordTokenizer, type WordTokenizerJson, type WordTrainOptions } from "./word_tokenizer.ts";
export {
  type AddedToken,
  type BpePreTokenizer,
  BpeTokenizer,
  type BpeTokenizerOptions,
  type BpeTrainOptions,
} from "./bpe_tokenizer.ts";
export {
  type WordPiecePreTokenizer,
  WordPieceTokenizer,
  type WordPieceTokenizerOptions,
  type WordPieceTrainOptions,
} from "./wordpiece_tokenizer.ts";
export { type BpeMergesOptions, trainBpeMerges, type TrainProgress } from "./bpe_trainer.ts";
export { type NormalizedText, type NormalizerJson, normalizeText } from "./normalize_text.ts";
export { gpt2Split } from "./gpt2_split.ts";
export { bytesToUnicode, unicodeToBytes } from "./bytes_to_unicode.ts";
export { parseTiktokenRanks } from "./tiktoken_ranks.ts";
