/**
 * A character-level tokenizer: one id per Unicode code point seen in
 * training, ordered by code point (so the same corpus always gives the same
 * ids), plus an optional unknown token for characters never seen and
 * optional special tokens after the characters.
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

/** The saved form of a {@linkcode CharTokenizer} (`tokenizer.json`). */
export interface CharTokenizerJson {
  type: "char";
  version: 1;
  /** The vocabulary: `vocab[id]` is the character (or a special token). */
  vocab: string[];
  /** The id characters outside the vocabulary map to, if any. */
  unk_id: number | null;
  /** Ids of special tokens (skipped by `decode(ids, { skipSpecialTokens: true })`); absent means none. */
  special_ids?: number[];
}

/** Options of {@linkcode CharTokenizer.train}. */
export interface CharTrainOptions {
  /** Keep the most frequent characters so the vocabulary has at most this many ids (an unk token is added if any are left out). */
  vocabSize?: number;
  /** Leave out characters seen fewer times (they become the unk token). Default 1. */
  minFrequency?: number;
  /** Special tokens, appended after the characters (`[PAD]`, `[UNK]`; `[UNK]` is then the unk token). */
  specialTokens?: readonly string[];
}

/**
 * Character-level tokenizer. `encode` returns an `Int32Array` (what the
 * training loop feeds the model); `trainTokenizer({ type: "char" })` and
 * `loadTokenizer` wrap it as a {@linkcode Tokenizer} whose `encode` returns
 * `number[]`.
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
  readonly type = "char" as const;
  readonly vocab: readonly string[];
  readonly unkId: number | null;
  readonly specialTokens: ReadonlyMap<string, number>;
  #index: Map<string, number>;
  #special: Set<number>;

  constructor(vocab: string[], unkId: number | null = null, specialIds: readonly number[] = []) {
    if (new Set(vocab).size !== vocab.length) {
      throw new TypeError("Cannot build char tokenizer: the vocabulary has duplicate characters");
    }
    if (unkId !== null && !(unkId >= 0 && unkId < vocab.length)) {
      throw new RangeError(`Cannot build char tokenizer: unk_id ${unkId} is outside the vocabulary`);
    }
    for (const id of specialIds) {
      if (!(Number.isInteger(id) && id >= 0 && id < vocab.length)) {
        throw new RangeError(`Cannot build char tokenizer: special id ${id} is outside the vocabulary`);
      }
    }
    this.vocab = vocab;
    this.unkId = unkId;
    this.#special = new Set(specialIds);
    this.specialTokens = new Map(specialIds.map((id) => [vocab[id]!, id]));
    this.#index = new Map(vocab.map((c, i) => [c, i]));
  }

  /**
   * Builds the vocabulary from the distinct code points of `text` (ordered by
   * code point); with `vocabSize` or `minFrequency`, only the most frequent.
   */
  static train(text: string | Iterable<string>, options: CharTrainOptions = {}): CharTokenizer {
    const counts = new Map<string, number>();
    for (const t of typeof text === "string" ? [text] : text) {
      for (const c of t) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const specials = [...(options.specialTokens ?? [])];
    if (specials.some((s) => s === "")) throw new RangeError("Cannot train char tokenizer: a special token is empty");
    const minFrequency = options.minFrequency ?? 1;
    let chars = [...counts].filter(([c, n]) => n >= minFrequency && !specials.includes(c));
    const room = (options.vocabSize ?? Infinity) - specials.length;
    if (chars.length > room || chars.length < counts.size) {
      // Some characters are left out: keep the most frequent (ties by code point) and an unk token.
      const unkExtra = specials.includes("[UNK]") ? 0 : 1;
      const keep = Math.min(chars.length, room - unkExtra);
      if (keep < 1) {
        throw new RangeError(
          `Cannot train char tokenizer: vocabSize ${options.vocabSize} leaves no room for characters after ${specials.length} special tokens and [UNK]`,
        );
      }
      chars = chars.sort((a, b) => b[1] - a[1] || a[0].codePointAt(0)! - b[0].codePointAt(0)!).slice(0, keep);
      if (unkExtra) specials.push("[UNK]");
    }
    const vocab = chars.map(([c]) => c).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    const specialIds = specials.map((_, i) => vocab.length + i);
    vocab.push(...specials);
    const unk = vocab.indexOf("[UNK]");
    return new CharTokenizer(vocab, unk < 0 ? null : unk, specialIds);
  }

  /** Reads the JSON form written by {@linkcode CharTokenizer.toJSON}. */
  static fromJSON(json: unknown, source = "tokenizer.json"): CharTokenizer {
    const j = json as Partial<CharTokenizerJson>;
    if (j?.type !== "char" || !Array.isArray(j.vocab) || j.vocab.some((c) => typeof c !== "string")) {
      throw new SyntaxError(
        `Cannot load tokenizer: ${source} is not a char tokenizer (expected type "char" and a vocab array)`,
      );
    }
    if (j.special_ids !== undefined && !Array.isArray(j.special_ids)) {
      throw new SyntaxError(`Cannot load tokenizer: ${source} special_ids is not an array`);
    }
    return new CharTokenizer(j.vocab, j.unk_id ?? null, j.special_ids ?? []);
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

  /** The same ids as {@linkcode CharTokenizer.encode}. */
  encodeIds(text: string): Int32Array {
    return this.encode(text);
  }

  /** Ids, characters and offsets of `text` (one token per code point). */
  encodeWithOffsets(text: string, _options: EncodeOptions = {}): Encoding {
    const ids = Array.from(this.encode(text));
    const enc: Encoding = { ids, tokens: [], offsets: [], specialTokensMask: ids.map(() => 0) };
    let at = 0;
    for (const id of ids) {
      const units = text.codePointAt(at)! > 0xffff ? 2 : 1;
      enc.tokens.push(this.vocab[id]!);
      enc.offsets.push([at, at + units]);
      at += units;
    }
    return enc;
  }

  /** Text for token ids. */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) {
      const c = this.vocab[ids[i]!];
      if (c === undefined) {
        throw new RangeError(`Cannot decode: id ${ids[i]} is outside the vocabulary (size ${this.vocabSize})`);
      }
      if (options.skipSpecialTokens && this.#special.has(ids[i]!)) continue;
      s += c;
    }
    return s;
  }

  /** The id of a character or special token. */
  tokenToId(token: string): number | undefined {
    return this.#index.get(token);
  }

  /** The character or special token of an id. */
  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }

  /** The JSON form (`tokenizer.json`). */
  toJSON(): CharTokenizerJson {
    const json: CharTokenizerJson = { type: "char", version: 1, vocab: [...this.vocab], unk_id: this.unkId };
    if (this.#special.size > 0) json.special_ids = [...this.#special];
    return json;
  }

  /** Writes the JSON form to `path`. */
  async save(path: string): Promise<void> {
    await writeJsonAtomic(path, this.toJSON());
  }

  /** This tokenizer behind the shared {@linkcode Tokenizer} interface (`encode` returns `number[]`). */
  asTokenizer(): Tokenizer {
    return new _CharTokenizerView(this);
  }
}

/** A {@linkcode CharTokenizer} whose `encode` returns `number[]`. */
class _CharTokenizerView implements Tokenizer {
  readonly type = "char" as const;
  readonly chars: CharTokenizer;

  constructor(chars: CharTokenizer) {
    this.chars = chars;
  }

  get vocabSize(): number {
    return this.chars.vocabSize;
  }

  get specialTokens(): ReadonlyMap<string, number> {
    return this.chars.specialTokens;
  }

  encode(text: string): number[] {
    return Array.from(this.chars.encode(text));
  }

  encodeIds(text: string): Int32Array {
    return this.chars.encode(text);
  }

  encodeWithOffsets(text: string, options?: EncodeOptions): Encoding {
    return this.chars.encodeWithOffsets(text, options);
  }

  encodeBatch(texts: readonly string[], options?: BatchEncodeOptions): BatchEncoding {
    return encodeBatch(this, texts, options);
  }

  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return this.chars.decode(ids, options);
  }

  tokenToId(token: string): number | undefined {
    return this.chars.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return this.chars.idToToken(id);
  }

  toJSON(): CharTokenizerJson {
    return this.chars.toJSON();
  }

  save(path: string): Promise<void> {
    return this.chars.save(path);
  }
}
