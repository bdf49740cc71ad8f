/**
 * A word-level tokenizer: lower-cased runs of letters and digits (and inner
 * apostrophes), a vocabulary of the most frequent words in training (ties by
 * word, so ids are stable), and special tokens first (default `[PAD]` = 0,
 * `[UNK]` = 1, `[CLS]` = 2). Encoding never drops a word: unknown words
 * become `[UNK]`. With `punctuation`, each other non-space character is a
 * token of its own, so nothing but spacing and case is lost; without it (the
 * bag-of-words form the classifiers use) punctuation is not kept.
 *
 * @module
 */
import { writeJsonAtomic } from "../io/mod.ts";
import { encodeBatch } from "./encode_batch.ts";
import type {
  BatchEncodeOptions,
  BatchEncoding,
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Tokenizer,
} from "./tokenizer.ts";

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const WORD_OR_PUNCT = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|[^\p{L}\p{N}\s]/gu;
const DEFAULT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]"] as const;

/** The saved form (`tokenizer.json`). */
export interface WordTokenizerJson {
  type: "word";
  version: 1;
  vocab: string[];
  /** The special tokens at the start of `vocab`; absent means `[PAD]`, `[UNK]`, `[CLS]`. */
  special_tokens?: string[];
  /** Punctuation characters are tokens; absent means false (files written before the option). */
  punctuation?: boolean;
}

/** Options of {@linkcode WordTokenizer.train}. */
export interface WordTrainOptions {
  /** Vocabulary size, special tokens included. */
  vocabSize: number;
  /** Leave out words seen fewer times (default 1). */
  minFrequency?: number;
  /** Special tokens, given the first ids (default `[PAD]`, `[UNK]`, `[CLS]`); must include `[UNK]`. */
  specialTokens?: readonly string[];
  /** Keep each punctuation or symbol character as a token (default false). */
  punctuation?: boolean;
}

/**
 * Word-level tokenizer.
 *
 * @example
 * ```ts
 * import { WordTokenizer } from "./word_tokenizer.ts";
 * const tok = WordTokenizer.train(["the whale", "the sea"], { vocabSize: 10 });
 * if (tok.decode(tok.encode("The whale!")) !== "the whale") throw new Error("round trip");
 * ```
 */
export class WordTokenizer implements Tokenizer {
  readonly type = "word" as const;
  readonly vocab: readonly string[];
  readonly specialTokens: ReadonlyMap<string, number>;
  #index: Map<string, number>;
  /** Whether punctuation and symbols are tokens. */
  readonly punctuation: boolean;
  #unkId: number;
  #pattern: RegExp;
  #lowerSpecials: Map<string, number>;

  constructor(vocab: string[], specialTokens: readonly string[] = DEFAULT_SPECIALS, punctuation = false) {
    if (specialTokens.some((s, i) => vocab[i] !== s)) {
      throw new TypeError(`Cannot build word tokenizer: the vocabulary must start with ${specialTokens.join(", ")}`);
    }
    const unk = specialTokens.indexOf("[UNK]");
    if (unk < 0) throw new RangeError(`Cannot build word tokenizer: the special tokens must include [UNK]`);
    if (new Set(vocab).size !== vocab.length) {
      throw new TypeError("Cannot build word tokenizer: the vocabulary has duplicate words");
    }
    this.vocab = vocab;
    this.punctuation = punctuation;
    // With punctuation, a special token written out ("[UNK]") is read back as itself, not as "[", "unk", "]".
    this.#pattern = punctuation
      ? new RegExp(
        [...specialTokens.map((t) => t.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), WORD_OR_PUNCT.source]
          .join("|"),
        "gu",
      )
      : WORD;
    this.#lowerSpecials = new Map(specialTokens.map((t, i) => [t.toLowerCase(), i]));
    this.#unkId = unk;
    this.specialTokens = new Map(specialTokens.map((s, i) => [s, i]));
    this.#index = new Map(vocab.map((w, i) => [w, i]));
  }

  /** Splits text into lower-cased words (and, with `punctuation`, punctuation characters). */
  static words(text: string, punctuation = false): string[] {
    return text.toLowerCase().match(punctuation ? WORD_OR_PUNCT : WORD) ?? [];
  }

  /** Keeps the `vocabSize - specials` most frequent words seen at least `minFrequency` times. */
  static train(texts: Iterable<string>, options: WordTrainOptions): WordTokenizer {
    const { vocabSize, minFrequency = 1, specialTokens = DEFAULT_SPECIALS, punctuation = false } = options;
    if (!Number.isInteger(vocabSize) || vocabSize <= specialTokens.length) {
      throw new RangeError(
        `Cannot train word tokenizer: vocab_size must be an integer >= ${specialTokens.length + 1} (got ${vocabSize})`,
      );
    }
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of WordTokenizer.words(t, punctuation)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = [...counts].filter(([w, c]) => c >= minFrequency && !specialTokens.includes(w))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, vocabSize - specialTokens.length)
      .map(([w]) => w);
    return new WordTokenizer([...specialTokens, ...words], specialTokens, punctuation);
  }

  /** Reads the JSON form. */
  static fromJSON(json: unknown, source = "tokenizer.json"): WordTokenizer {
    const j = json as Partial<WordTokenizerJson>;
    if (j?.type !== "word" || !Array.isArray(j.vocab)) {
      throw new SyntaxError(
        `Cannot load tokenizer: ${source} is not a word tokenizer (expected type "word" and a vocab array)`,
      );
    }
    return new WordTokenizer(j.vocab, j.special_tokens ?? DEFAULT_SPECIALS, j.punctuation === true);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Token ids of the words of `text` (unknown words are `[UNK]`). */
  encode(text: string): number[] {
    return (text.toLowerCase().match(this.#pattern) ?? []).map((w) => this.#id(w));
  }

  #id(piece: string): number {
    return this.#index.get(piece) ?? (this.punctuation ? this.#lowerSpecials.get(piece) : undefined) ?? this.#unkId;
  }

  encodeIds(text: string): Int32Array {
    return Int32Array.from(this.encode(text));
  }

  /** Ids, words and offsets: each word's span in `text`. */
  encodeWithOffsets(text: string, _options: EncodeOptions = {}): Encoding {
    const lower = text.toLowerCase();
    // Lowercasing rarely changes lengths (İ -> i̇); then each unit of `lower` maps to the character it came from.
    let span = (s: number, e: number): [number, number] => [s, e];
    if (lower.length !== text.length) {
      const from: number[] = [], to: number[] = [];
      for (let i = 0; i < text.length;) {
        const c = String.fromCodePoint(text.codePointAt(i)!);
        for (let k = 0; k < c.toLowerCase().length; k++) {
          from.push(i);
          to.push(i + c.length);
        }
        i += c.length;
      }
      span = (s, e) => [from[s]!, to[e - 1]!];
    }
    const enc: Encoding = { ids: [], tokens: [], offsets: [], specialTokensMask: [] };
    for (const m of lower.matchAll(this.#pattern)) {
      const id = this.#id(m[0]);
      enc.ids.push(id);
      enc.tokens.push(this.vocab[id]!);
      enc.offsets.push(span(m.index, m.index + m[0].length));
      enc.specialTokensMask.push(this.punctuation && this.#lowerSpecials.get(m[0]) === id ? 1 : 0);
    }
    return enc;
  }

  encodeBatch(texts: readonly string[], options?: BatchEncodeOptions): BatchEncoding {
    return encodeBatch(this, texts, options);
  }

  /** The words of `ids`, joined by spaces (special tokens as written unless skipped). */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const words: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k]!;
      const w = this.vocab[i];
      if (w === undefined) {
        throw new RangeError(`Cannot decode: id ${i} is outside the vocabulary (size ${this.vocabSize})`);
      }
      if (options.skipSpecialTokens && this.specialTokens.get(w) === i) continue;
      words.push(w);
    }
    return words.join(" ");
  }

  tokenToId(token: string): number | undefined {
    return this.#index.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }

  toJSON(): WordTokenizerJson {
    const json: WordTokenizerJson = { type: "word", version: 1, vocab: [...this.vocab] };
    const specials = [...this.specialTokens.keys()];
    if (specials.join("\n") !== DEFAULT_SPECIALS.join("\n")) json.special_tokens = specials;
    if (this.punctuation) json.punctuation = true;
    return json;
  }

  /** Writes the JSON form to `path`. */
  async save(path: string): Promise<void> {
    await writeJsonAtomic(path, this.toJSON());
  }
}
