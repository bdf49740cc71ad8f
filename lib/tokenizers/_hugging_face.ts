// Helpers shared by the Hugging Face `tokenizer.json` readers and writers.

/** An added token of a `tokenizer.json` (special or not), with its matching flags. */
export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are skipped by `decode(ids, { skipSpecialTokens: true })`. */
  special: boolean;
}

/** A SyntaxError naming the file: "Cannot load tokenizer: FILE DETAIL". */
export function _loadError(source: string, detail: string): SyntaxError {
  return new SyntaxError(`Cannot load tokenizer: ${source} ${detail}`);
}

/** `json[key]` as an object, or an error naming the key. */
export function _object(json: unknown, key: string, source: string): Record<string, unknown> {
  const v = (json as Record<string, unknown>)[key];
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw _loadError(source, `has no object "${key}" (got ${v === null ? "null" : typeof v})`);
  }
  return v as Record<string, unknown>;
}

/** Reads `added_tokens` of a `tokenizer.json`. */
export function _addedTokens(json: Record<string, unknown>, source: string): AddedToken[] {
  const list = json.added_tokens ?? [];
  if (!Array.isArray(list)) throw _loadError(source, `added_tokens is not an array`);
  return list.map((t, i) => {
    const { id, content, special } = (t ?? {}) as Record<string, unknown>;
    if (!Number.isInteger(id) || (id as number) < 0 || typeof content !== "string" || content === "") {
      throw _loadError(source, `added_tokens[${i}] needs an integer id >= 0 and a non-empty content`);
    }
    return { id: id as number, content, special: special !== false };
  });
}

/** The `added_tokens` entries of a `tokenizer.json` for `tokens`. */
export function _addedTokensJson(tokens: readonly AddedToken[]): Record<string, unknown>[] {
  return tokens.map((t) => ({
    id: t.id,
    content: t.content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: !t.special,
    special: t.special,
  }));
}

/** `vocab` of a `tokenizer.json` model as an array indexed by id (holes where no token has the id). */
export function _vocabArray(model: Record<string, unknown>, source: string): (string | undefined)[] {
  const vocab = model.vocab;
  if (vocab === null || typeof vocab !== "object" || Array.isArray(vocab)) {
    throw _loadError(source, `model.vocab is not an object of token -> id`);
  }
  const out: (string | undefined)[] = [];
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw _loadError(source, `model.vocab[${JSON.stringify(token)}] is ${JSON.stringify(id)} (expected an id >= 0)`);
    }
    if (out[id as number] !== undefined) {
      throw _loadError(
        source,
        `model.vocab gives id ${id} to both ${JSON.stringify(out[id as number])} and ${JSON.stringify(token)}`,
      );
    }
    out[id as number] = token;
  }
  return out;
}

/** A regular expression matching any of `contents`, longest first. */
export function _alternation(contents: readonly string[]): RegExp | null {
  if (contents.length === 0) return null;
  const sorted = [...contents].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gu");
}
