/**
 * `loadTokenizer`: the GPT-2 encoding by name (from the ranks that ship in
 * `npm:js-tiktoken`, read offline from the installed package), or a file:
 * a Hugging Face `tokenizer.json` (BPE or WordPiece), codex's char and word
 * `tokenizer.json`, or a tiktoken rank file.
 *
 * @module
 */
import { BpeTokenizer } from "./bpe_tokenizer.ts";
import { CharTokenizer } from "./char_tokenizer.ts";
import { _parseJsTiktokenRanks, parseTiktokenRanks } from "./tiktoken_ranks.ts";
import type { Tokenizer } from "./tokenizer.ts";
import { WordPieceTokenizer } from "./wordpiece_tokenizer.ts";
import { WordTokenizer } from "./word_tokenizer.ts";
import { _loadError } from "./_hugging_face.ts";

/**
 * Names {@linkcode loadTokenizer} knows without a file.
 *
 * @example
 * ```ts
 * import { loadTokenizer, TOKENIZER_NAMES } from "./load_tokenizer.ts";
 * if (TOKENIZER_NAMES.join() !== "gpt2") throw new Error(TOKENIZER_NAMES.join());
 * const gpt2 = await loadTokenizer("gpt2");
 * if (gpt2.encode("hello world").join() !== "31373,995") throw new Error("not GPT-2's encoding");
 * ```
 */
export const TOKENIZER_NAMES: readonly string[] = ["gpt2"];

/** Options for tiktoken rank files (which carry neither a pattern nor special tokens). */
export interface LoadTokenizerOptions {
  /** Special tokens of a `.tiktoken` file, content -> id (default none). */
  specialTokens?: Record<string, number>;
  /** The pre-tokenization regular expression of a `.tiktoken` file (default GPT-2's). */
  pattern?: string;
}

let gpt2: Promise<BpeTokenizer> | undefined;

async function _gpt2(): Promise<BpeTokenizer> {
  const { default: ranks } = await import("js-tiktoken/ranks/gpt2");
  const vocab = _parseJsTiktokenRanks(ranks.bpe_ranks, "npm:js-tiktoken/ranks/gpt2");
  return new BpeTokenizer({
    vocab,
    addedTokens: Object.entries(ranks.special_tokens).map(([content, id]) => ({ id, content, special: true })),
  });
}

async function _readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`Cannot load tokenizer: ${path} does not exist`);
    }
    throw err;
  }
}

async function _readJson(path: string): Promise<unknown> {
  const text = await _readText(path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw _loadError(path, `is not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Loads a tokenizer. `"gpt2"` is the real GPT-2 encoding (50,257 ids, ranks
 * from the installed `js-tiktoken` package, nothing downloaded; the same
 * instance on every call). A path is read by its content: a Hugging Face
 * `tokenizer.json` (model BPE with a ByteLevel pre-tokenizer, or WordPiece),
 * codex's `{ "type": "char" | "word" }` files, a `.tiktoken` rank file, or a
 * folder holding a `tokenizer.json` (a run folder).
 *
 * @example
 * ```ts ignore
 * import { loadTokenizer } from "./load_tokenizer.ts";
 * const gpt2 = await loadTokenizer("gpt2");
 * console.log(gpt2.encode("Call me Ishmael.")); // [14134, 502, 1148, 21720, 417, 13]
 * ```
 */
export async function loadTokenizer(nameOrPath: string, options: LoadTokenizerOptions = {}): Promise<Tokenizer> {
  if (nameOrPath === "gpt2") {
    return await (gpt2 ??= _gpt2().catch((err) => {
      gpt2 = undefined;
      throw err;
    }));
  }
  if (!/[/\\.]/.test(nameOrPath)) {
    throw new RangeError(
      `Cannot load tokenizer: unknown name ${JSON.stringify(nameOrPath)} (known: ${
        TOKENIZER_NAMES.join(", ")
      }; or give a path to a tokenizer.json or .tiktoken file)`,
    );
  }
  let path = nameOrPath;
  if ((await Deno.stat(path).catch(() => null))?.isDirectory) path = `${path.replace(/[/\\]$/, "")}/tokenizer.json`;
  if (path.endsWith(".tiktoken")) {
    const vocab = parseTiktokenRanks(await _readText(path), path);
    return new BpeTokenizer({
      vocab,
      addedTokens: Object.entries(options.specialTokens ?? {}).map(([content, id]) => ({ id, content, special: true })),
      preTokenizer: options.pattern === undefined ? { type: "gpt2" } : { type: "regex", pattern: options.pattern },
    });
  }
  const json = await _readJson(path);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw _loadError(path, "is not a JSON object");
  const j = json as Record<string, unknown>;
  if (j.type === "char") return CharTokenizer.fromJSON(j, path).asTokenizer();
  if (j.type === "word") return WordTokenizer.fromJSON(j, path);
  const model = j.model as Record<string, unknown> | undefined;
  if (model?.type === "BPE") return BpeTokenizer.fromHuggingFace(j, path);
  if (model?.type === "WordPiece") return WordPieceTokenizer.fromHuggingFace(j, path);
  throw _loadError(
    path,
    model === undefined
      ? `is neither a Hugging Face tokenizer.json (no "model") nor a codex one (type ${JSON.stringify(j.type ?? null)})`
      : `has model.type ${JSON.stringify(model.type ?? null)} (supported: BPE, WordPiece)`,
  );
}
