/**
 * The interface every codex tokenizer implements, and the shapes of its
 * results.
 *
 * @module
 */

/** The kinds of tokenizer codex trains, loads and saves. */
export type TokenizerType = "char" | "word" | "bpe" | "wordpiece";

/** One text's tokens with where each came from. */
export interface Encoding {
  /** Token ids. */
  ids: number[];
  /** The token strings (byte-level tokens as written in the vocabulary, `Ġthe`). */
  tokens: string[];
  /**
   * `[start, end)` of each token in the input, in UTF-16 code units, so
   * `text.slice(start, end)` is the text the token came from. Tokens that
   * were not in the text (`[CLS]`, padding) get `[0, 0]`. A token that
   * holds part of a character's bytes covers that whole character.
   */
  offsets: [number, number][];
  /** 1 for a special token (added by the template or found in the text), else 0. */
  specialTokensMask: number[];
}

/** Options of {@linkcode Tokenizer.encodeWithOffsets} and of batches. */
export interface EncodeOptions {
  /**
   * Add the tokenizer's template tokens (WordPiece: `[CLS] text [SEP]`;
   * the other tokenizers have none). Default false.
   */
  addSpecialTokens?: boolean;
}

/** Options of {@linkcode Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave special tokens out of the text. Default false. */
  skipSpecialTokens?: boolean;
}

/** Padding and truncation of a batch. */
export interface BatchEncodeOptions extends EncodeOptions {
  /**
   * `"longest"` pads every row to the longest row, `"max_length"` to
   * `maxLength`, `false` (the default) leaves rows as they are.
   */
  padding?: "longest" | "max_length" | false;
  /** Cut rows longer than `maxLength` (default false; needs `maxLength`). */
  truncation?: boolean;
  /** The length rows are cut or padded to. */
  maxLength?: number;
  /** Which side padding and truncation act on (default `"right"`). */
  side?: "left" | "right";
  /** The padding token (default the tokenizer's `[PAD]`, `<pad>` or `<|endoftext|>`, in that order). */
  padToken?: string;
}

/** A batch of encodings, one row per text, padded to a common length if asked. */
export interface BatchEncoding {
  /** Token ids per row. */
  ids: number[][];
  /** 1 where a row has a real token, 0 on padding. */
  attentionMask: number[][];
  /** `[start, end)` per token (UTF-16 code units); `[0, 0]` for padding and template tokens. */
  offsets: [number, number][][];
  /** 1 for special tokens (padding included). */
  specialTokensMask: number[][];
  /** Tokens each row had before truncation. */
  lengths: number[];
}

/**
 * A tokenizer: text to ids and back. `trainTokenizer` and `loadTokenizer`
 * return one; every implementation passes the shared suite in
 * `tokenizer_suite.ts`.
 */
export interface Tokenizer {
  /** What kind it is. */
  readonly type: TokenizerType;
  /** Number of ids (the largest id plus one). */
  readonly vocabSize: number;
  /** Special tokens by content, such as `[PAD]` or `<|endoftext|>`. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Token ids of `text`. */
  encode(text: string): number[];
  /** Token ids of `text` as an `Int32Array` (for whole corpora). */
  encodeIds(text: string): Int32Array;
  /** Ids, token strings and character offsets of `text`. */
  encodeWithOffsets(text: string, options?: EncodeOptions): Encoding;
  /** Encodes several texts, with padding, truncation and attention masks if asked. */
  encodeBatch(texts: readonly string[], options?: BatchEncodeOptions): BatchEncoding;
  /** The text of `ids`. */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** The id of a token string, if it is in the vocabulary. */
  tokenToId(token: string): number | undefined;
  /** The token string of an id, if there is one. */
  idToToken(id: number): string | undefined;
  /** The saved form (what {@linkcode Tokenizer.save} writes). */
  toJSON(): unknown;
  /** Writes the saved form to `path` (a `tokenizer.json`). */
  save(path: string): Promise<void>;
}
