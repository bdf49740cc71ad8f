/**
 * tiktoken rank files (`<base64 token> <rank>` per line, as in
 * `gpt2.tiktoken` or `cl100k_base.tiktoken`) and the compressed form
 * `js-tiktoken` ships its ranks in.
 *
 * @module
 */
import { bytesToUnicode } from "./bytes_to_unicode.ts";
import { _loadError } from "./_hugging_face.ts";

const BYTE_CHARS = bytesToUnicode();

function _byteLevel(base64: string): string | null {
  let bin: string;
  try {
    bin = atob(base64);
  } catch {
    return null;
  }
  let s = "";
  for (let i = 0; i < bin.length; i++) s += BYTE_CHARS[bin.charCodeAt(i)];
  return s;
}

function _put(vocab: (string | undefined)[], seen: Set<string>, token: string, rank: number, where: () => string) {
  if (vocab[rank] !== undefined) throw _loadError(where(), `gives rank ${rank} twice`);
  if (seen.has(token)) throw _loadError(where(), `lists a token twice (rank ${rank})`);
  seen.add(token);
  vocab[rank] = token;
}

/**
 * Parses a tiktoken rank file: one `<base64 bytes> <rank>` per line. Returns
 * the vocabulary by rank, each token written in GPT-2's byte-to-character
 * alphabet (what {@linkcode BpeTokenizer} takes). `source` names the file in
 * errors.
 *
 * @example
 * ```ts
 * import { parseTiktokenRanks } from "./tiktoken_ranks.ts";
 * const vocab = parseTiktokenRanks("IQ== 0\nIg== 1\nISI= 2\n", "tiny.tiktoken");
 * if (vocab.join(" ") !== '! " !"') throw new Error(vocab.join(" "));
 * ```
 */
export function parseTiktokenRanks(text: string, source: string): (string | undefined)[] {
  const vocab: (string | undefined)[] = [];
  const seen = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const fields = line.split(/\s+/);
    const at = () => `${source} line ${i + 1}`;
    if (fields.length !== 2) {
      throw _loadError(
        at(),
        `has ${fields.length} field${fields.length === 1 ? "" : "s"} (expected 2: base64 token and rank)`,
      );
    }
    const rank = Number(fields[1]);
    if (!Number.isInteger(rank) || rank < 0) {
      throw _loadError(at(), `has rank ${JSON.stringify(fields[1])} (expected an integer >= 0)`);
    }
    const token = _byteLevel(fields[0]!);
    if (token === null || token === "") {
      throw _loadError(at(), `has token ${JSON.stringify(fields[0])}, which is not base64`);
    }
    _put(vocab, seen, token, rank, at);
  }
  if (seen.size === 0) throw _loadError(source, "has no ranks");
  return vocab;
}

/**
 * Parses the compressed ranks of `js-tiktoken` (`ranks/gpt2.js` and the
 * others): lines of `<skip> <first rank> <base64> <base64> ...` with
 * consecutive ranks.
 */
export function _parseJsTiktokenRanks(text: string, source: string): (string | undefined)[] {
  const vocab: (string | undefined)[] = [];
  const seen = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue;
    const [, first, ...tokens] = lines[i]!.split(" ");
    const offset = Number(first);
    const at = () => `${source} line ${i + 1}`;
    if (!Number.isInteger(offset) || offset < 0) throw _loadError(at(), `has offset ${JSON.stringify(first)}`);
    tokens.forEach((b64, k) => {
      const token = _byteLevel(b64);
      if (token === null || token === "") {
        throw _loadError(at(), `has token ${JSON.stringify(b64)}, which is not base64`);
      }
      _put(vocab, seen, token, offset + k, at);
    });
  }
  return vocab;
}
