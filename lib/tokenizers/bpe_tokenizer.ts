/**
 * Byte-level BPE (GPT-2 style): text is split by GPT-2's pre-tokenization
 * pattern, each piece becomes its UTF-8 bytes, and merges join adjacent
 * tokens, lowest rank first. Any string round-trips, since every byte has a
 * token; lone surrogates become U+FFFD, as `TextEncoder` and every peer do.
 *
 * Two ways of ranking pairs: Hugging Face's (the pair's place in `merges`)
 * and tiktoken's (the rank, that is the id, of the joined bytes). The second
 * is what the real GPT-2 encoding from `js-tiktoken` uses.
 *
 * @module
 */
import { writeJsonAtomic } from "../io/mod.ts";
import { bytesToUnicode } from "./bytes_to_unicode.ts";
import { trainBpeMerges, type TrainProgress } from "./bpe_trainer.ts";
import { encodeBatch } from "./encode_batch.ts";
import { _gpt2PieceEnd } from "./gpt2_split.ts";
import {
  _addedTokens,
  _addedTokensJson,
  _alternation,
  _loadError,
  _object,
  _vocabArray,
  type AddedToken,
} from "./_hugging_face.ts";
import type {
  BatchEncodeOptions,
  BatchEncoding,
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Tokenizer,
} from "./tokenizer.ts";

export type { AddedToken } from "./_hugging_face.ts";

/** How text is cut into pieces before BPE. */
export type BpePreTokenizer =
  /** GPT-2's pattern (`'s|'t|... ?\p{L}+| ?\p{N}+|...`). */
  | { type: "gpt2"; addPrefixSpace?: boolean }
  /** A regular expression: matches and the text between them are pieces (Hugging Face `Split`, `Isolated`). */
  | { type: "regex"; pattern: string; addPrefixSpace?: boolean }
  /** No splitting: each text (between added tokens) is one piece. */
  | { type: "none"; addPrefixSpace?: boolean };

/** What a {@linkcode BpeTokenizer} is built from. */
export interface BpeTokenizerOptions {
  /** `vocab[id]` is the token in GPT-2's byte-to-character alphabet (`Ġthe`); holes are allowed. */
  vocab: readonly (string | undefined)[];
  /**
   * Merges, highest priority first (Hugging Face semantics). Leave out for
   * tiktoken semantics: a pair merges if the joined token exists, and a
   * token's id is its rank.
   */
  merges?: readonly (readonly [string, string])[];
  /** Tokens matched in the text before pre-tokenization (`<|endoftext|>`). */
  addedTokens?: readonly AddedToken[];
  /** Default `{ type: "gpt2" }`. */
  preTokenizer?: BpePreTokenizer;
  /** The token for bytes without one (only needed when the vocabulary lacks some bytes). */
  unkToken?: string;
}

const NO_RANK = 0x7fffffff;
const CACHE_LIMIT = 1 << 18;
const BYTE_CHARS = bytesToUnicode();
const CHAR_BYTE = new Map(BYTE_CHARS.map((c, b) => [c, b]));
const DECODER = new TextDecoder("utf-8", { ignoreBOM: true });
const ENCODER = new TextEncoder();

/**
 * Byte-level BPE tokenizer: GPT-2, tiktoken rank files, Hugging Face
 * `tokenizer.json` files of type BPE, and tokenizers trained here.
 *
 * @example
 * ```ts
 * import { BpeTokenizer } from "./bpe_tokenizer.ts";
 * const tok = BpeTokenizer.train(["the cat sat on the mat", "the hat"], { vocabSize: 270 });
 * const ids = tok.encode("the cat in the hat 🐋");
 * if (tok.decode(ids) !== "the cat in the hat 🐋") throw new Error("round trip failed");
 * ```
 */
export class BpeTokenizer implements Tokenizer {
  readonly type = "bpe" as const;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly preTokenizer: BpePreTokenizer;
  #vocab: (string | undefined)[];
  #index = new Map<string, number>();
  #merges: [string, string][] | undefined;
  #added: AddedToken[];
  #addedById = new Map<number, AddedToken>();
  #addedByContent = new Map<string, AddedToken>();
  #addedRe: RegExp | null;
  #splitRe: RegExp | null;
  #unkId: number;
  #unkToken: string | undefined;
  #bytes: (Uint8Array | undefined)[];
  #byteId = new Int32Array(256).fill(-1);
  // Pair table: open addressing over (left id, right id) -> (rank, merged id).
  #mask = 0;
  #pairA = new Int32Array(0);
  #pairB = new Int32Array(0);
  #pairRank = new Int32Array(0);
  #pairMerged = new Int32Array(0);
  // Scratch for the merge loop and UTF-8 encoding.
  #sym = new Int32Array(256);
  #rank = new Int32Array(256);
  #merged = new Int32Array(256);
  #utf8 = new Uint8Array(1024);
  #cache = new Map<string, number | Int32Array>();

  constructor(options: BpeTokenizerOptions) {
    this.#vocab = [...options.vocab];
    this.#merges = options.merges?.map(([a, b]) => [a, b]);
    this.#added = [...(options.addedTokens ?? [])];
    this.preTokenizer = options.preTokenizer ?? { type: "gpt2" };
    this.#unkToken = options.unkToken;
    this.#vocab.forEach((t, id) => {
      if (t === undefined) return;
      if (this.#index.has(t)) {
        throw new TypeError(`Cannot build BPE tokenizer: token ${JSON.stringify(t)} has two ids`);
      }
      this.#index.set(t, id);
    });
    for (const t of this.#added) {
      if (this.#addedByContent.has(t.content)) {
        throw new TypeError(`Cannot build BPE tokenizer: added token ${JSON.stringify(t.content)} is given twice`);
      }
      this.#addedById.set(t.id, t);
      this.#addedByContent.set(t.content, t);
    }
    this.specialTokens = new Map(this.#added.filter((t) => t.special).map((t) => [t.content, t.id]));
    this.vocabSize = Math.max(this.#vocab.length, ...this.#added.map((t) => t.id + 1));
    this.#addedRe = _alternation(this.#added.map((t) => t.content));
    this.#splitRe = this.preTokenizer.type === "regex" ? new RegExp(this.preTokenizer.pattern, "gu") : null;
    this.#unkId = -1;
    if (this.#unkToken !== undefined) {
      const id = this.#index.get(this.#unkToken) ?? this.#addedByContent.get(this.#unkToken)?.id;
      if (id === undefined) {
        throw new RangeError(
          `Cannot build BPE tokenizer: unk token ${JSON.stringify(this.#unkToken)} is not in the vocabulary`,
        );
      }
      this.#unkId = id;
    }
    this.#bytes = this.#vocab.map((t) => t === undefined ? undefined : _tokenBytes(t));
    for (let b = 0; b < 256; b++) this.#byteId[b] = this.#index.get(BYTE_CHARS[b]!) ?? -1;
    this.#buildPairs();
  }

  /** Reads a Hugging Face `tokenizer.json` whose model is BPE with a ByteLevel pre-tokenizer. */
  static fromHuggingFace(json: unknown, source = "tokenizer.json"): BpeTokenizer {
    if (json === null || typeof json !== "object") throw _loadError(source, "is not a JSON object");
    const j = json as Record<string, unknown>;
    const model = _object(j, "model", source);
    if (model.type !== "BPE") throw _loadError(source, `model.type is ${JSON.stringify(model.type)} (expected "BPE")`);
    for (const key of ["continuing_subword_prefix", "end_of_word_suffix"]) {
      if (model[key] !== undefined && model[key] !== null && model[key] !== "") {
        throw _loadError(source, `model.${key} is ${JSON.stringify(model[key])} (byte-level BPE has none)`);
      }
    }
    if (j.normalizer !== null && j.normalizer !== undefined) {
      throw _loadError(
        source,
        `normalizer ${
          JSON.stringify((j.normalizer as { type?: unknown }).type)
        } is not supported for BPE (expected null)`,
      );
    }
    const vocab = _vocabArray(model, source);
    if (!Array.isArray(model.merges)) throw _loadError(source, "model.merges is not an array");
    const merges = (model.merges as unknown[]).map((m, i): [string, string] => {
      const pair = typeof m === "string" ? m.split(" ") : m;
      if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => typeof p !== "string" || p === "")) {
        throw _loadError(source, `model.merges[${i}] is ${JSON.stringify(m)} (expected "a b" or ["a", "b"])`);
      }
      return [pair[0], pair[1]];
    });
    const unk = model.unk_token;
    return new BpeTokenizer({
      vocab,
      merges,
      addedTokens: _addedTokens(j, source),
      preTokenizer: _readPreTokenizer(j.pre_tokenizer, source),
      ...(typeof unk === "string" ? { unkToken: unk } : {}),
    });
  }

  /**
   * Trains byte-level BPE on `texts`: the 256 bytes, then merges of the most
   * frequent adjacent pair (ties to the pair of lower ids, as Hugging Face
   * does) until the vocabulary has `vocabSize` tokens or no pair is seen
   * `minFrequency` times. Special tokens come first.
   */
  static train(texts: Iterable<string>, options: BpeTrainOptions): BpeTokenizer {
    const specials = options.specialTokens ?? ["<|endoftext|>"];
    const counts = new Map<string, number>();
    const enc = new TextEncoder();
    for (const text of texts) {
      for (let pos = 0; pos < text.length;) {
        const stop = _gpt2PieceEnd(text, pos, text.length);
        const piece = text.slice(pos, stop);
        counts.set(piece, (counts.get(piece) ?? 0) + 1);
        pos = stop;
      }
    }
    // Pieces in the byte-to-character alphabet, counts summed (distinct pieces can share bytes only via U+FFFD).
    const words = new Map<string, number>();
    for (const [piece, n] of counts) {
      let w = "";
      for (const b of enc.encode(piece)) w += BYTE_CHARS[b];
      words.set(w, (words.get(w) ?? 0) + n);
    }
    const { vocab, merges } = trainBpeMerges(words, {
      vocabSize: options.vocabSize,
      minFrequency: options.minFrequency ?? 2,
      specialTokens: specials,
      alphabet: BYTE_CHARS,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return new BpeTokenizer({
      vocab,
      merges,
      addedTokens: specials.map((content, id) => ({ id, content, special: true })),
    });
  }

  /** The vocabulary, `vocab[id]` in the byte-level alphabet. */
  get vocab(): readonly (string | undefined)[] {
    return this.#vocab;
  }

  /** The added tokens (special or not), matched in text before anything else. */
  get addedTokens(): readonly AddedToken[] {
    return this.#added;
  }

  /**
   * The merges, highest priority first. For a tokenizer with tiktoken
   * semantics they are derived from the ranks (as Hugging Face's converter
   * does): each token's two parts when it is encoded with only lower ranks.
   */
  get merges(): readonly (readonly [string, string])[] {
    if (this.#merges === undefined) this.#merges = this.#deriveMerges();
    return this.#merges;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    this.#segments(text, (start, end) => this.#encodePlain(text, start, end, out), (id) => out.push(id));
    return out;
  }

  encodeIds(text: string): Int32Array {
    return Int32Array.from(this.encode(text));
  }

  encodeWithOffsets(text: string, _options: EncodeOptions = {}): Encoding {
    const enc: Encoding = { ids: [], tokens: [], offsets: [], specialTokensMask: [] };
    this.#segments(
      text,
      (start, end) => this.#offsetsPlain(text, start, end, enc),
      (id, start, end) => {
        enc.ids.push(id);
        enc.tokens.push(this.idToToken(id)!);
        enc.offsets.push([start, end]);
        enc.specialTokensMask.push(1);
      },
    );
    return enc;
  }

  encodeBatch(texts: readonly string[], options?: BatchEncodeOptions): BatchEncoding {
    return encodeBatch(this, texts, options);
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let out = "";
    let buf = new Uint8Array(64);
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const added = this.#addedById.get(id);
      if (added !== undefined) {
        if (added.special && options.skipSpecialTokens) continue;
        out += DECODER.decode(buf.subarray(0, n));
        n = 0;
        out += added.content;
        continue;
      }
      const bytes = this.#bytes[id];
      if (bytes === undefined) {
        throw new RangeError(`Cannot decode: id ${id} is not in the vocabulary (size ${this.vocabSize})`);
      }
      if (n + bytes.length > buf.length) {
        const bigger = new Uint8Array(Math.max(buf.length * 2, n + bytes.length));
        bigger.set(buf.subarray(0, n));
        buf = bigger;
      }
      buf.set(bytes, n);
      n += bytes.length;
    }
    return out + DECODER.decode(buf.subarray(0, n));
  }

  tokenToId(token: string): number | undefined {
    return this.#addedByContent.get(token)?.id ?? this.#index.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.#addedById.get(id)?.content ?? this.#vocab[id];
  }

  /** The Hugging Face `tokenizer.json` form (BPE model, ByteLevel pre-tokenizer, post-processor and decoder). */
  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    this.#vocab.forEach((t, id) => {
      if (t !== undefined) vocab[t] = id;
    });
    const p = this.preTokenizer;
    const byteLevel = (useRegex: boolean) => ({
      type: "ByteLevel",
      add_prefix_space: p.addPrefixSpace ?? false,
      trim_offsets: true,
      use_regex: useRegex,
    });
    const preTokenizer = p.type === "regex"
      ? {
        type: "Sequence",
        pretokenizers: [
          { type: "Split", pattern: { Regex: p.pattern }, behavior: "Isolated", invert: false },
          byteLevel(false),
        ],
      }
      : byteLevel(p.type === "gpt2");
    return {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: _addedTokensJson(this.#added),
      normalizer: null,
      pre_tokenizer: preTokenizer,
      post_processor: { ...byteLevel(true), trim_offsets: false },
      decoder: byteLevel(true),
      model: {
        type: "BPE",
        dropout: null,
        unk_token: this.#unkToken ?? null,
        continuing_subword_prefix: "",
        end_of_word_suffix: "",
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: this.merges.map(([a, b]) => [a, b]),
      },
    };
  }

  /**
   * A tiktoken rank file (`<base64 bytes> <rank>` per line, ranks = ids) of
   * the byte-level tokens; added tokens are left out (tiktoken keeps special
   * tokens apart). Loaded back, it encodes with tiktoken's rule (any two
   * tokens whose bytes join into a token merge, at its rank), which for a
   * tokenizer trained here nearly always gives the same ids.
   */
  toTiktoken(): string {
    let out = "";
    this.#bytes.forEach((bytes, id) => {
      if (bytes === undefined || this.#addedById.has(id)) return;
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      out += `${btoa(bin)} ${id}\n`;
    });
    return out;
  }

  /** Writes the Hugging Face `tokenizer.json` form to `path`. */
  async save(path: string): Promise<void> {
    await writeJsonAtomic(path, this.toJSON());
  }

  // Calls `plain(start, end)` for text between added tokens and `added(id, start, end)` for each added token.
  #segments(
    text: string,
    plain: (start: number, end: number) => void,
    added: (id: number, start: number, end: number) => void,
  ): void {
    const re = this.#addedRe;
    if (re === null) {
      plain(0, text.length);
      return;
    }
    re.lastIndex = 0;
    let pos = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index > pos) plain(pos, m.index);
      added(this.#addedByContent.get(m[0])!.id, m.index, m.index + m[0].length);
      pos = m.index + m[0].length;
    }
    if (pos < text.length) plain(pos, text.length);
  }

  // The pieces of text[start, end) as [start, end) pairs in `src` (the text, or " " + text with a prefix space).
  #pieces(src: string, start: number, end: number, piece: (s: number, e: number) => void): void {
    const p = this.preTokenizer;
    if (p.type === "gpt2") {
      for (let pos = start; pos < end;) {
        const stop = _gpt2PieceEnd(src, pos, end);
        piece(pos, stop);
        pos = stop;
      }
    } else if (p.type === "regex") {
      const re = this.#splitRe!;
      const sub = start === 0 && end === src.length ? src : src.slice(start, end);
      re.lastIndex = 0;
      let pos = 0;
      for (let m = re.exec(sub); m !== null; m = re.exec(sub)) {
        if (m[0] === "") {
          re.lastIndex++;
          continue;
        }
        if (m.index > pos) piece(start + pos, start + m.index);
        piece(start + m.index, start + m.index + m[0].length);
        pos = m.index + m[0].length;
      }
      if (pos < sub.length) piece(start + pos, end);
    } else if (end > start) {
      piece(start, end);
    }
  }

  #prefixed(text: string, start: number, end: number): string | null {
    return this.preTokenizer.addPrefixSpace && text.charCodeAt(start) !== 0x20 ? " " + text.slice(start, end) : null;
  }

  #encodePlain(text: string, start: number, end: number, out: number[]): void {
    const prefixed = this.#prefixed(text, start, end);
    const src = prefixed ?? text;
    const [from, to] = prefixed === null ? [start, end] : [0, prefixed.length];
    const cache = this.#cache;
    if (this.preTokenizer.type === "gpt2") {
      // The hot loop of GPT-2 encoding, with the scanner call and cache inline.
      for (let pos = from; pos < to;) {
        const stop = _gpt2PieceEnd(src, pos, to);
        const key = src.slice(pos, stop);
        let ids = cache.get(key);
        if (ids === undefined) ids = this.#bpeCached(key);
        if (typeof ids === "number") out.push(ids);
        else for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
        pos = stop;
      }
      return;
    }
    this.#pieces(src, from, to, (s, e) => {
      const key = src.slice(s, e);
      const ids = cache.get(key) ?? this.#bpeCached(key);
      if (typeof ids === "number") out.push(ids);
      else for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    });
  }

  #offsetsPlain(text: string, start: number, end: number, enc: Encoding): void {
    const prefixed = this.#prefixed(text, start, end);
    const src = prefixed ?? text;
    const [from, to] = prefixed === null ? [start, end] : [0, prefixed.length];
    // Offsets in `src` map back to `text` by this shift (the prefix space maps to the first character).
    const shift = prefixed === null ? 0 : start - 1;
    this.#pieces(src, from, to, (s, e) => {
      const key = src.slice(s, e);
      const got = this.#cache.get(key) ?? this.#bpeCached(key);
      const ids = typeof got === "number" ? [got] : Array.from(got);
      // UTF-16 start of the code point holding each byte of the piece.
      const byteStart: number[] = [], byteEnd: number[] = [];
      for (let i = s; i < e;) {
        const cp = src.codePointAt(i)!;
        const units = cp > 0xffff ? 2 : 1;
        const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        for (let k = 0; k < len; k++) {
          byteStart.push(i);
          byteEnd.push(i + units);
        }
        i += units;
      }
      let b = 0;
      for (const id of ids) {
        const len = this.#bytes[id]?.length ?? 1;
        const lo = Math.max(byteStart[b]! + shift, start), hi = Math.max(byteEnd[b + len - 1]! + shift, start);
        enc.ids.push(id);
        enc.tokens.push(this.idToToken(id)!);
        enc.offsets.push([lo, hi]);
        enc.specialTokensMask.push(0);
        b += len;
      }
    });
  }

  #bpeCached(piece: string): number | Int32Array {
    const ids = this.#bpe(piece);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(piece, ids);
    return ids;
  }

  // UTF-8 bytes of `piece` into the scratch buffer (lone surrogates as U+FFFD); returns the length.
  #utf8Of(piece: string): number {
    if (this.#utf8.length < piece.length * 3) this.#utf8 = new Uint8Array(piece.length * 3);
    return ENCODER.encodeInto(piece, this.#utf8).written;
  }

  // BPE of one piece: its byte tokens merged lowest rank first (leftmost among equals).
  #bpe(piece: string): number | Int32Array {
    const n0 = this.#utf8Of(piece);
    const bytes = this.#utf8;
    if (this.#sym.length < n0) {
      this.#sym = new Int32Array(n0 * 2);
      this.#rank = new Int32Array(n0 * 2);
      this.#merged = new Int32Array(n0 * 2);
    }
    const sym = this.#sym, rank = this.#rank, merged = this.#merged;
    for (let i = 0; i < n0; i++) {
      let id = this.#byteId[bytes[i]!]!;
      if (id < 0) {
        if (this.#unkId < 0) {
          throw new RangeError(
            `Cannot encode text: byte 0x${bytes[i]!.toString(16).padStart(2, "0")} of ${
              JSON.stringify(piece)
            } has no token and there is no unk token`,
          );
        }
        id = this.#unkId;
      }
      sym[i] = id;
    }
    if (n0 === 1) return sym[0]!;
    let n = n0;
    for (let i = 0; i < n - 1; i++) this.#setRank(i);
    for (;;) {
      let best = NO_RANK, at = -1;
      for (let i = 0; i < n - 1; i++) {
        if (rank[i]! < best) {
          best = rank[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      sym[at] = merged[at]!;
      sym.copyWithin(at + 1, at + 2, n);
      rank.copyWithin(at + 1, at + 2, n);
      merged.copyWithin(at + 1, at + 2, n);
      n--;
      if (at < n - 1) this.#setRank(at);
      else rank[at] = NO_RANK;
      if (at > 0) this.#setRank(at - 1);
    }
    return n === 1 ? sym[0]! : sym.slice(0, n);
  }

  #setRank(i: number): void {
    const a = this.#sym[i]!, b = this.#sym[i + 1]!;
    const mask = this.#mask;
    let h = _pairHash(a, b) & mask;
    for (;;) {
      const pa = this.#pairA[h]!;
      if (pa === -1) {
        this.#rank[i] = NO_RANK;
        return;
      }
      if (pa === a && this.#pairB[h] === b) {
        this.#rank[i] = this.#pairRank[h]!;
        this.#merged[i] = this.#pairMerged[h]!;
        return;
      }
      h = (h + 1) & mask;
    }
  }

  #buildPairs(): void {
    const entries: number[] = []; // a, b, rank, merged
    if (this.#merges !== undefined) {
      this.#merges.forEach(([a, b], rank) => {
        const ia = this.#index.get(a), ib = this.#index.get(b), im = this.#index.get(a + b);
        if (ia === undefined || ib === undefined || im === undefined) {
          const missing = ia === undefined ? a : ib === undefined ? b : a + b;
          throw new RangeError(
            `Cannot build BPE tokenizer: merge ${rank} (${JSON.stringify(a)} ${JSON.stringify(b)}) needs ${
              JSON.stringify(missing)
            }, which is not in the vocabulary`,
          );
        }
        entries.push(ia, ib, rank, im);
      });
    } else {
      // tiktoken: any split of a token into two tokens merges into it, at its rank (= id).
      this.#vocab.forEach((t, id) => {
        if (t === undefined || t.length < 2) return;
        for (let k = 1; k < t.length; k++) {
          const ia = this.#index.get(t.slice(0, k)), ib = this.#index.get(t.slice(k));
          if (ia !== undefined && ib !== undefined) entries.push(ia, ib, id, id);
        }
      });
    }
    const count = entries.length / 4;
    let cap = 16;
    while (cap < count * 2) cap *= 2;
    this.#mask = cap - 1;
    this.#pairA = new Int32Array(cap).fill(-1);
    this.#pairB = new Int32Array(cap);
    this.#pairRank = new Int32Array(cap);
    this.#pairMerged = new Int32Array(cap);
    for (let e = 0; e < entries.length; e += 4) {
      const a = entries[e]!, b = entries[e + 1]!;
      let h = _pairHash(a, b) & this.#mask;
      while (this.#pairA[h] !== -1 && !(this.#pairA[h] === a && this.#pairB[h] === b)) h = (h + 1) & this.#mask;
      if (this.#pairA[h] !== -1) continue; // a pair listed twice keeps its first (lowest) rank
      this.#pairA[h] = a;
      this.#pairB[h] = b;
      this.#pairRank[h] = entries[e + 2]!;
      this.#pairMerged[h] = entries[e + 3]!;
    }
  }

  // Merges of a tiktoken-ranked vocabulary: each multi-byte token's parts, encoded with lower ranks only.
  #deriveMerges(): [string, string][] {
    const out: [number, string, string][] = [];
    const saved = [this.#mask, this.#pairA, this.#pairB, this.#pairRank, this.#pairMerged] as const;
    this.#vocab.forEach((t, id) => {
      if (t === undefined || t.length < 2) return;
      const parts = this.#partsBelow(t, id);
      if (parts !== null) out.push([id, parts[0], parts[1]]);
    });
    [this.#mask, this.#pairA, this.#pairB, this.#pairRank, this.#pairMerged] = saved;
    return out.sort((x, y) => x[0] - y[0]).map(([, a, b]) => [a, b]);
  }

  // Byte-level token `t` merged with ranks below `limit`: its two parts, or null if it does not end in two.
  #partsBelow(t: string, limit: number): [string, string] | null {
    const sym: number[] = [];
    for (const c of t) {
      const id = this.#byteId[CHAR_BYTE.get(c) ?? -1];
      if (id === undefined || id < 0) return null;
      sym.push(id);
    }
    for (;;) {
      let best = limit, at = -1, into = -1;
      for (let i = 0; i < sym.length - 1; i++) {
        const a = sym[i]!, b = sym[i + 1]!;
        let h = _pairHash(a, b) & this.#mask;
        while (this.#pairA[h] !== -1 && !(this.#pairA[h] === a && this.#pairB[h] === b)) h = (h + 1) & this.#mask;
        if (this.#pairA[h] !== -1 && this.#pairRank[h]! < best) {
          best = this.#pairRank[h]!;
          at = i;
          into = this.#pairMerged[h]!;
        }
      }
      if (at < 0) break;
      sym.splice(at, 2, into);
    }
    return sym.length === 2 ? [this.#vocab[sym[0]!]!, this.#vocab[sym[1]!]!] : null;
  }
}

/** Options of {@linkcode BpeTokenizer.train}. */
export interface BpeTrainOptions {
  /** Target vocabulary size, special tokens and the 256 bytes included. */
  vocabSize: number;
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number;
  /** Special tokens, given the first ids (default `["<|endoftext|>"]`). */
  specialTokens?: readonly string[];
  /** Called every few merges and at the end. */
  onProgress?: (p: TrainProgress) => void;
}

/** The bytes a byte-level token stands for. */
function _tokenBytes(t: string): Uint8Array {
  const out = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const b = CHAR_BYTE.get(t[i]!);
    if (b === undefined) return ENCODER.encode(t); // not byte-level (an added token listed in the vocab)
    out[i] = b;
  }
  return out;
}

function _pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 7;
}

function _readPreTokenizer(p: unknown, source: string): BpePreTokenizer {
  const j = (p ?? {}) as Record<string, unknown>;
  const prefix = (b: Record<string, unknown>) => b.add_prefix_space === true;
  if (j.type === "ByteLevel") return { type: j.use_regex === false ? "none" : "gpt2", addPrefixSpace: prefix(j) };
  if (j.type === "Sequence" && Array.isArray(j.pretokenizers) && j.pretokenizers.length === 2) {
    const [split, byteLevel] = j.pretokenizers as Record<string, unknown>[];
    const pattern = (split?.pattern as Record<string, unknown> | undefined)?.Regex;
    if (
      split?.type === "Split" && typeof pattern === "string" && split.behavior === "Isolated" &&
      split.invert !== true &&
      byteLevel?.type === "ByteLevel" && byteLevel.use_regex === false
    ) {
      try {
        new RegExp(pattern, "gu");
      } catch (err) {
        throw _loadError(source, `pre_tokenizer Split pattern cannot be compiled (${(err as Error).message})`);
      }
      return { type: "regex", pattern, addPrefixSpace: prefix(byteLevel) };
    }
  }
  throw _loadError(
    source,
    `pre_tokenizer ${
      JSON.stringify(j.type ?? null)
    } is not supported for BPE (expected ByteLevel, or a Sequence of an Isolated regex Split and ByteLevel without regex)`,
  );
}
