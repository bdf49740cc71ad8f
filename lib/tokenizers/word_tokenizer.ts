/**
 * A word-level tokenizer: lower-cased runs of letters and digits (and inner
 * apostrophes), a vocabulary of the most frequent words in training (ties by
 * word, so ids are stable), and special tokens `[PAD]` = 0, `[UNK]` = 1,
 * `[CLS]` = 2. Encoding never drops input: unknown words become `[UNK]`.
 *
 * @module
 */

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const SPECIALS = ["[PAD]", "[UNK]", "[CLS]"] as const;

/** The saved form (`tokenizer.json`). */
export interface WordTokenizerJson {
  type: "word";
  version: 1;
  vocab: string[];
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
export class WordTokenizer {
  readonly vocab: readonly string[];
  #index: Map<string, number>;

  constructor(vocab: string[]) {
    if (SPECIALS.some((s, i) => vocab[i] !== s)) {
      throw new TypeError(`Cannot build word tokenizer: the vocabulary must start with ${SPECIALS.join(", ")}`);
    }
    this.vocab = vocab;
    this.#index = new Map(vocab.map((w, i) => [w, i]));
  }

  /** Splits text into lower-cased words. */
  static words(text: string): string[] {
    return text.toLowerCase().match(WORD) ?? [];
  }

  /** Keeps the `vocabSize - 3` most frequent words seen at least `minFrequency` times. */
  static train(texts: Iterable<string>, options: { vocabSize: number; minFrequency?: number }): WordTokenizer {
    const { vocabSize, minFrequency = 1 } = options;
    if (!Number.isInteger(vocabSize) || vocabSize < 4) {
      throw new RangeError(`Cannot train word tokenizer: vocab_size must be an integer >= 4 (got ${vocabSize})`);
    }
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of WordTokenizer.words(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = [...counts].filter(([, c]) => c >= minFrequency)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, vocabSize - SPECIALS.length)
      .map(([w]) => w);
    return new WordTokenizer([...SPECIALS, ...words]);
  }

  /** Reads the JSON form. */
  static fromJSON(json: unknown, source = "tokenizer.json"): WordTokenizer {
    const j = json as Partial<WordTokenizerJson>;
    if (j?.type !== "word" || !Array.isArray(j.vocab)) {
      throw new SyntaxError(
        `Cannot load tokenizer: ${source} is not a word tokenizer (expected type "word" and a vocab array)`,
      );
    }
    return new WordTokenizer(j.vocab);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Token ids of the words of `text` (unknown words are `[UNK]` = 1). */
  encode(text: string): number[] {
    return WordTokenizer.words(text).map((w) => this.#index.get(w) ?? 1);
  }

  /** The words of `ids`, joined by spaces (special tokens as written). */
  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (i) => {
      const w = this.vocab[i];
      if (w === undefined) {
        throw new RangeError(`Cannot decode: id ${i} is outside the vocabulary (size ${this.vocabSize})`);
      }
      return w;
    }).join(" ");
  }

  toJSON(): WordTokenizerJson {
    return { type: "word", version: 1, vocab: [...this.vocab] };
  }
}
