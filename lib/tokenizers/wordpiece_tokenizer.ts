/**
 * WordPiece as BERT uses it: normalize (clean, pad CJK characters, strip
 * accents, lowercase), split on whitespace and punctuation, then cut each
 * word greedily into the longest vocabulary entries, continuations written
 * with `##`. A word that cannot be cut becomes `[UNK]`, so no input vanishes.
 *
 * @module
 */
import { writeJsonAtomic } from "../io/mod.ts";
import { trainBpeMerges, type TrainProgress } from "./bpe_trainer.ts";
import { encodeBatch } from "./encode_batch.ts";
import { _isWhitespace, type NormalizerJson, normalizeText, readNormalizer } from "./normalize_text.ts";
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

/** How normalized text is split into words. */
export type WordPiecePreTokenizer =
  /** Whitespace removed, each punctuation character its own word (BERT). */
  | { type: "BertPreTokenizer" }
  /** Runs of word characters and runs of other non-space characters (`\w+|[^\w\s]+`). */
  | { type: "Whitespace" }
  /** Whitespace removed, nothing else. */
  | { type: "WhitespaceSplit" };

/** What a {@linkcode WordPieceTokenizer} is built from. */
export interface WordPieceTokenizerOptions {
  /** `vocab[id]` is the token; continuations start with the prefix (`##ing`). */
  vocab: readonly (string | undefined)[];
  /** Default `[UNK]`; must be in the vocabulary. */
  unkToken?: string;
  /** Default `##`. */
  continuingPrefix?: string;
  /** Longer words become the unk token (default 100 code points). */
  maxInputCharsPerWord?: number;
  /** Default BERT's uncased normalizer; `null` for none. */
  normalizer?: NormalizerJson | null;
  /** Default `{ type: "BertPreTokenizer" }`. */
  preTokenizer?: WordPiecePreTokenizer;
  /** `[CLS] text [SEP]` around encodings that ask for special tokens; default when both are in the vocabulary. */
  template?: { cls: string; sep: string } | null;
  /** Tokens matched in the raw text first; default every `[XXX]` token of the vocabulary, as special. */
  addedTokens?: readonly AddedToken[];
  /** Join `" ."` and similar when decoding (BERT's cleanup; default true). */
  cleanup?: boolean;
}

/** Options of {@linkcode WordPieceTokenizer.train}. */
export interface WordPieceTrainOptions {
  /** Target vocabulary size, special tokens included. */
  vocabSize: number;
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number;
  /** Default `[PAD] [UNK] [CLS] [SEP] [MASK]` (ids 0-4); must include `[UNK]`. */
  specialTokens?: readonly string[];
  /** Lowercase (default true). */
  lowercase?: boolean;
  /** Strip accents (default: as `lowercase`). */
  stripAccents?: boolean;
  /** Called every few merges and at the end. */
  onProgress?: (p: TrainProgress) => void;
}

const DEFAULT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const PUNCTUATION = /^\p{P}$/u;
const WORD_CHAR = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;

function _isBertPunctuation(cp: number): boolean {
  if (cp < 0x80) {
    return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  }
  return PUNCTUATION.test(String.fromCodePoint(cp));
}

function _isWordChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

/** Word spans `[start, end)` of `text` for a pre-tokenizer. */
function _words(text: string, pre: WordPiecePreTokenizer): [number, number][] {
  const out: [number, number][] = [];
  let start = -1, kind = 0; // kind of the open run: 1 word chars, 2 other (Whitespace only)
  const close = (i: number) => {
    if (start >= 0) out.push([start, i]);
    start = -1;
  };
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    if (_isWhitespace(cp)) close(i);
    else if (pre.type === "BertPreTokenizer" && _isBertPunctuation(cp)) {
      close(i);
      out.push([i, i + units]);
    } else if (pre.type === "Whitespace") {
      const k = _isWordChar(cp) ? 1 : 2;
      if (start >= 0 && k !== kind) close(i);
      if (start < 0) {
        start = i;
        kind = k;
      }
    } else if (start < 0) start = i;
    i += units;
  }
  close(text.length);
  return out;
}

/**
 * WordPiece tokenizer (BERT).
 *
 * @example
 * ```ts
 * import { WordPieceTokenizer } from "./wordpiece_tokenizer.ts";
 * const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "whale", "un", "##able", "!"];
 * const tok = new WordPieceTokenizer({ vocab });
 * const ids = tok.encode("The Whale! Unable");
 * if (ids.join() !== "5,6,9,7,8") throw new Error(ids.join());
 * if (tok.decode(ids) !== "the whale! unable") throw new Error(tok.decode(ids));
 * ```
 */
export class WordPieceTokenizer implements Tokenizer {
  readonly type = "wordpiece" as const;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly unkToken: string;
  readonly continuingPrefix: string;
  readonly maxInputCharsPerWord: number;
  readonly normalizer: NormalizerJson | null;
  readonly preTokenizer: WordPiecePreTokenizer;
  readonly template: { cls: string; sep: string } | null;
  readonly cleanup: boolean;
  #vocab: (string | undefined)[];
  #index = new Map<string, number>();
  #added: AddedToken[];
  #addedById = new Map<number, AddedToken>();
  #addedByContent = new Map<string, AddedToken>();
  #addedRe: RegExp | null;
  #unkId: number;
  #cache = new Map<string, number[]>();

  constructor(options: WordPieceTokenizerOptions) {
    this.#vocab = [...options.vocab];
    this.#vocab.forEach((t, id) => {
      if (t === undefined) return;
      if (this.#index.has(t)) {
        throw new TypeError(`Cannot build WordPiece tokenizer: token ${JSON.stringify(t)} has two ids`);
      }
      this.#index.set(t, id);
    });
    this.unkToken = options.unkToken ?? "[UNK]";
    const unk = this.#index.get(this.unkToken);
    if (unk === undefined) {
      throw new RangeError(
        `Cannot build WordPiece tokenizer: unk token ${JSON.stringify(this.unkToken)} is not in the vocabulary`,
      );
    }
    this.#unkId = unk;
    this.continuingPrefix = options.continuingPrefix ?? "##";
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    this.normalizer = options.normalizer === undefined
      ? { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }
      : options.normalizer;
    this.preTokenizer = options.preTokenizer ?? { type: "BertPreTokenizer" };
    this.cleanup = options.cleanup ?? true;
    this.#added = options.addedTokens
      ? [...options.addedTokens]
      : this.#vocab.flatMap((t, id) =>
        t !== undefined && /^\[[A-Z]+\]$/.test(t) ? [{ id, content: t, special: true }] : []
      );
    for (const t of this.#added) {
      this.#addedById.set(t.id, t);
      this.#addedByContent.set(t.content, t);
    }
    this.specialTokens = new Map(this.#added.filter((t) => t.special).map((t) => [t.content, t.id]));
    this.#addedRe = _alternation(this.#added.map((t) => t.content));
    const hasTemplate = this.#index.has("[CLS]") && this.#index.has("[SEP]");
    this.template = options.template === undefined
      ? (hasTemplate ? { cls: "[CLS]", sep: "[SEP]" } : null)
      : options.template;
    if (this.template !== null) {
      for (const t of [this.template.cls, this.template.sep]) {
        if (this.tokenToId(t) === undefined) {
          throw new RangeError(
            `Cannot build WordPiece tokenizer: template token ${JSON.stringify(t)} is not in the vocabulary`,
          );
        }
      }
    }
    this.vocabSize = Math.max(this.#vocab.length, ...this.#added.map((t) => t.id + 1));
  }

  /**
   * Trains a WordPiece vocabulary as Hugging Face does: BPE merges over the
   * normalized, pre-tokenized words, with `##` on every symbol but a word's
   * first; the vocabulary is the special tokens, the alphabet and the merged
   * tokens.
   */
  static train(texts: Iterable<string>, options: WordPieceTrainOptions): WordPieceTokenizer {
    const specials = options.specialTokens ?? DEFAULT_SPECIALS;
    if (!specials.includes("[UNK]")) {
      throw new RangeError(`Cannot train WordPiece: specialTokens must include "[UNK]" (got ${specials.join(", ")})`);
    }
    const lowercase = options.lowercase ?? true;
    const normalizer: NormalizerJson = {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: options.stripAccents ?? null,
      lowercase,
    };
    const pre: WordPiecePreTokenizer = { type: "BertPreTokenizer" };
    const re = _alternation(specials);
    const words = new Map<string, number>();
    for (const text of texts) {
      const plain = re === null ? text : text.replace(re, " ");
      const n = normalizeText(plain, normalizer).text;
      for (const [s, e] of _words(n, pre)) {
        const w = n.slice(s, e);
        words.set(w, (words.get(w) ?? 0) + 1);
      }
    }
    const { vocab } = trainBpeMerges(words, {
      vocabSize: options.vocabSize,
      minFrequency: options.minFrequency ?? 2,
      specialTokens: specials,
      continuingPrefix: "##",
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return new WordPieceTokenizer({
      vocab,
      normalizer,
      preTokenizer: pre,
      addedTokens: specials.map((content, id) => ({ id, content, special: true })),
    });
  }

  /** Reads a Hugging Face `tokenizer.json` whose model is WordPiece. */
  static fromHuggingFace(json: unknown, source = "tokenizer.json"): WordPieceTokenizer {
    if (json === null || typeof json !== "object") throw _loadError(source, "is not a JSON object");
    const j = json as Record<string, unknown>;
    const model = _object(j, "model", source);
    if (model.type !== "WordPiece") {
      throw _loadError(source, `model.type is ${JSON.stringify(model.type)} (expected "WordPiece")`);
    }
    const pre = (j.pre_tokenizer ?? null) as Record<string, unknown> | null;
    const preTypes = ["BertPreTokenizer", "Whitespace", "WhitespaceSplit"];
    if (pre === null || !preTypes.includes(pre.type as string)) {
      throw _loadError(
        source,
        `pre_tokenizer ${JSON.stringify(pre?.type ?? null)} is not supported for WordPiece (supported: ${
          preTypes.join(", ")
        })`,
      );
    }
    const decoder = (j.decoder ?? null) as Record<string, unknown> | null;
    if (decoder !== null && decoder.type !== "WordPiece") {
      throw _loadError(
        source,
        `decoder ${JSON.stringify(decoder.type)} is not supported for WordPiece (expected WordPiece)`,
      );
    }
    const prefix = model.continuing_subword_prefix ?? "##";
    const decoderPrefix = decoder?.prefix ?? prefix;
    if (typeof prefix !== "string" || prefix === "" || decoderPrefix !== prefix) {
      throw _loadError(
        source,
        `model.continuing_subword_prefix ${JSON.stringify(prefix)} must be a non-empty string equal to decoder.prefix`,
      );
    }
    const max = model.max_input_chars_per_word ?? 100;
    if (!Number.isInteger(max) || (max as number) < 1) {
      throw _loadError(
        source,
        `model.max_input_chars_per_word is ${JSON.stringify(max)} (expected a positive integer)`,
      );
    }
    return new WordPieceTokenizer({
      vocab: _vocabArray(model, source),
      unkToken: typeof model.unk_token === "string" ? model.unk_token : "[UNK]",
      continuingPrefix: prefix,
      maxInputCharsPerWord: max as number,
      normalizer: readNormalizer(j.normalizer, source),
      preTokenizer: { type: pre.type } as WordPiecePreTokenizer,
      template: _readTemplate(j.post_processor, source),
      addedTokens: _addedTokens(j, source),
      cleanup: decoder?.cleanup !== false,
    });
  }

  /** The vocabulary, `vocab[id]`. */
  get vocab(): readonly (string | undefined)[] {
    return this.#vocab;
  }

  /** The added tokens (special or not), matched in the raw text first. */
  get addedTokens(): readonly AddedToken[] {
    return this.#added;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    this.#segments(
      text,
      (s, e) => {
        const n = normalizeText(text.slice(s, e), this.normalizer).text;
        for (const [ws, we] of _words(n, this.preTokenizer)) out.push(...this.#word(n.slice(ws, we)));
      },
      (id) => out.push(id),
    );
    return out;
  }

  encodeIds(text: string): Int32Array {
    return Int32Array.from(this.encode(text));
  }

  encodeWithOffsets(text: string, options: EncodeOptions = {}): Encoding {
    const enc: Encoding = { ids: [], tokens: [], offsets: [], specialTokensMask: [] };
    const push = (id: number, start: number, end: number, special: number) => {
      enc.ids.push(id);
      enc.tokens.push(this.idToToken(id)!);
      enc.offsets.push([start, end]);
      enc.specialTokensMask.push(special);
    };
    const template = options.addSpecialTokens ? this.template : null;
    if (template) push(this.tokenToId(template.cls)!, 0, 0, 1);
    this.#segments(
      text,
      (s, e) => {
        const n = normalizeText(text.slice(s, e), this.normalizer);
        for (const [ws, we] of _words(n.text, this.preTokenizer)) {
          const ids = this.#word(n.text.slice(ws, we));
          if (ids.length === 1 && ids[0] === this.#unkId) {
            push(this.#unkId, s + n.start[ws]!, s + n.end[we - 1]!, 0);
            continue;
          }
          let at = ws;
          for (const id of ids) {
            const t = this.#vocab[id]!;
            const len = at === ws ? t.length : t.length - this.continuingPrefix.length;
            push(id, s + n.start[at]!, s + n.end[at + len - 1]!, 0);
            at += len;
          }
        }
      },
      (id, s, e) => push(id, s, e, 1),
    );
    if (template) push(this.tokenToId(template.sep)!, 0, 0, 1);
    return enc;
  }

  encodeBatch(texts: readonly string[], options?: BatchEncodeOptions): BatchEncoding {
    return encodeBatch(this, texts, options);
  }

  /** Joins tokens with spaces, `##` continuations glued on, then BERT's cleanup (`" ."` to `"."`). */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let out = "";
    let first = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const added = this.#addedById.get(id);
      if (added?.special && options.skipSpecialTokens) continue;
      let t = added?.content ?? this.#vocab[id];
      if (t === undefined) {
        throw new RangeError(`Cannot decode: id ${id} is not in the vocabulary (size ${this.vocabSize})`);
      }
      if (!first) t = t.startsWith(this.continuingPrefix) ? t.slice(this.continuingPrefix.length) : " " + t;
      out += this.cleanup ? _cleanup(t) : t;
      first = false;
    }
    return out;
  }

  tokenToId(token: string): number | undefined {
    return this.#addedByContent.get(token)?.id ?? this.#index.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.#addedById.get(id)?.content ?? this.#vocab[id];
  }

  /** The Hugging Face `tokenizer.json` form (WordPiece model, BERT post-processor and decoder). */
  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    this.#vocab.forEach((t, id) => {
      if (t !== undefined) vocab[t] = id;
    });
    const t = this.template;
    return {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: _addedTokensJson(this.#added),
      normalizer: this.normalizer,
      pre_tokenizer: this.preTokenizer,
      post_processor: t === null
        ? null
        : { type: "BertProcessing", sep: [t.sep, this.tokenToId(t.sep)], cls: [t.cls, this.tokenToId(t.cls)] },
      decoder: { type: "WordPiece", prefix: this.continuingPrefix, cleanup: this.cleanup },
      model: {
        type: "WordPiece",
        unk_token: this.unkToken,
        continuing_subword_prefix: this.continuingPrefix,
        max_input_chars_per_word: this.maxInputCharsPerWord,
        vocab,
      },
    };
  }

  /** Writes the Hugging Face `tokenizer.json` form to `path`. */
  async save(path: string): Promise<void> {
    await writeJsonAtomic(path, this.toJSON());
  }

  #segments(
    text: string,
    plain: (start: number, end: number) => void,
    added: (id: number, start: number, end: number) => void,
  ): void {
    const re = this.#addedRe;
    let pos = 0;
    if (re !== null) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m.index > pos) plain(pos, m.index);
        added(this.#addedByContent.get(m[0])!.id, m.index, m.index + m[0].length);
        pos = m.index + m[0].length;
      }
    }
    if (pos < text.length) plain(pos, text.length);
  }

  // Greedy longest-match-first pieces of one word, or [unk] if some part has no piece.
  #word(word: string): number[] {
    const hit = this.#cache.get(word);
    if (hit !== undefined) return hit;
    const chars = Array.from(word);
    let ids: number[] = [];
    if (chars.length > this.maxInputCharsPerWord) ids = [this.#unkId];
    else {
      for (let start = 0; start < chars.length;) {
        let found = -1, end = chars.length;
        for (; end > start; end--) {
          const piece = (start > 0 ? this.continuingPrefix : "") + chars.slice(start, end).join("");
          const id = this.#index.get(piece);
          if (id !== undefined) {
            found = id;
            break;
          }
        }
        if (found < 0) {
          ids = [this.#unkId];
          break;
        }
        ids.push(found);
        start = end;
      }
    }
    if (this.#cache.size >= 1 << 16) this.#cache.clear();
    this.#cache.set(word, ids);
    return ids;
  }
}

/** BERT's decoder cleanup (Hugging Face's `cleanup`), applied to each token as it is joined. */
function _cleanup(s: string): string {
  return s.replaceAll(" .", ".").replaceAll(" ?", "?").replaceAll(" !", "!").replaceAll(" ,", ",")
    .replaceAll(" ' ", "'").replaceAll(" n't", "n't").replaceAll(" 'm", "'m").replaceAll(" do not", " don't")
    .replaceAll(" 's", "'s").replaceAll(" 've", "'ve").replaceAll(" 're", "'re");
}

function _readTemplate(json: unknown, source: string): { cls: string; sep: string } | null {
  if (json === null || json === undefined) return null;
  const j = json as Record<string, unknown>;
  const name = (v: unknown) => Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined;
  if (j.type === "BertProcessing") {
    const cls = name(j.cls), sep = name(j.sep);
    if (cls && sep) return { cls, sep };
  }
  if (j.type === "TemplateProcessing" && Array.isArray(j.single)) {
    // Only the single-sequence template [CLS] $A [SEP] is used here.
    const parts = (j.single as Record<string, { id?: string }>[]).map((p) =>
      p.SpecialToken ? ["special", p.SpecialToken.id] : p.Sequence ? ["sequence", p.Sequence.id] : ["?", ""]
    );
    if (parts.length === 3 && parts[0]![0] === "special" && parts[1]![0] === "sequence" && parts[2]![0] === "special") {
      return { cls: parts[0]![1]!, sep: parts[2]![1]! };
    }
  }
  throw _loadError(
    source,
    `post_processor ${
      JSON.stringify(j.type ?? null)
    } is not supported for WordPiece (expected BertProcessing, or TemplateProcessing with single [CLS] $A [SEP])`,
  );
}
