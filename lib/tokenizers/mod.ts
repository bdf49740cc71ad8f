/**
 * Tokenizers. The spine ships the character-level one.
 *
 * @module
 */
export { CharTokenizer, type CharTokenizerJson } from "./char_tokenizer.ts";
export { WordTokenizer, type WordTokenizerJson } from "./word_tokenizer.ts";
