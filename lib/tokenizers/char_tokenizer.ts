/**
 * A character-level tokenizer: one id per Unicode code point seen in
 * training, ordered by code point (so the same corpus always gives the same
 * ids), plus an optional unknown token for characters never seen.
 *
 * @module
 */

/** The saved form of a {@linkcode CharTokenizer} (`tokenizer.json`). */
export interface CharTokenizerJson {
  type: "char";
  version: 1;
  /** The vocabulary: `vocab[id]` is the character. */
  vocab: string[];
  /** The id characters outside the vocabulary map to, if any. */
  unk_id: number | null;
}

/**
 * Character-level tokenizer.
 *
 * @example
 * ```ts
 * import { CharTokenizer } from "./char_tokenizer.ts";
 * const tok = CharTokenizer.train("hello world");
 * const ids = tok.encode("hello");
 * if (tok.decode(ids) !== "hello") throw new Error("round trip failed");
 * ```
 */
export class CharTokenizer {
  readonly vocab: readonly string[];
  readonly unkId: number | null;
  #index: Map<string, number>;

  constructor(vocab: string[], unkId: number | null = null) {
    if (new Set(vocab).size !== vocab.length) {
      throw new TypeError("Cannot build char tokenizer: the vocabulary has duplicate characters");
    }
    if (unkId !== null && !(unkId >= 0 && unkId < vocab.length)) {
      throw new RangeError(`Cannot build char tokenizer: unk_id ${unkId} is outside the vocabulary`);
    }
    this.vocab = vocab;
    this.unkId = unkId;
    this.#index = new Map(vocab.map((c, i) => [c, i]));
  }

  /** Builds the vocabulary from every distinct code point in `text`. */
  static train(text: string): CharTokenizer {
    const chars = [...new Set(Array.from(text))];
    chars.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharTokenizer(chars);
  }

  /** Reads the JSON form written by {@linkcode CharTokenizer.toJSON}. */
  static fromJSON(json: unknown, source = "tokenizer.json"): CharTokenizer {
    const j = json as Partial<CharTokenizerJson>;
    if (j?.type !== "char" || !Array.isArray(j.vocab) || j.vocab.some((c) => typeof c !== "string")) {
      throw new SyntaxError(
        `Cannot load tokenizer: ${source} is not a char tokenizer (expected type "char" and a vocab array)`,
      );
    }
    return new CharTokenizer(j.vocab, j.unk_id ?? null);
  }

  /** Number of ids. */
  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Token ids for `text`; throws on an unknown character unless there is an unk id. */
  encode(text: string): Int32Array {
    const chars = Array.from(text);
    const out = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const id = this.#index.get(chars[i]!) ?? this.unkId;
      if (id === null) {
        const cp = chars[i]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
        throw new RangeError(
          `Cannot encode text: character ${
            JSON.stringify(chars[i])
          } (U+${cp}) at position ${i} is not in the vocabulary`,
        );
      }
      out[i] = id;
    }
    return out;
  }

  /** Text for token ids. */
  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) {
      const c = this.vocab[ids[i]!];
      if (c === undefined) {
        throw new RangeError(`Cannot decode: id ${ids[i]} is outside the vocabulary (size ${this.vocabSize})`);
      }
      s += c;
    }
    return s;
  }

  /** The JSON form (`tokenizer.json`). */
  toJSON(): CharTokenizerJson {
    return { type: "char", version: 1, vocab: [...this.vocab], unk_id: this.unkId };
  }
}
