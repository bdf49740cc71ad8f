/**
 * Batch encoding shared by every tokenizer: truncation, padding and
 * attention masks over {@linkcode Tokenizer.encodeWithOffsets}.
 *
 * @module
 */
import type { BatchEncodeOptions, BatchEncoding, Encoding, Tokenizer } from "./tokenizer.ts";

const PAD_CANDIDATES = ["[PAD]", "<pad>", "<|endoftext|>"];

/** The id padding uses: `padToken` if given, else the first of `[PAD]`, `<pad>`, `<|endoftext|>` the tokenizer has. */
function _padId(tokenizer: Tokenizer, padToken: string | undefined): number {
  if (padToken !== undefined) {
    const id = tokenizer.specialTokens.get(padToken) ?? tokenizer.tokenToId(padToken);
    if (id === undefined) {
      throw new RangeError(`Cannot pad batch: pad token ${JSON.stringify(padToken)} is not in the vocabulary`);
    }
    return id;
  }
  for (const t of PAD_CANDIDATES) {
    const id = tokenizer.specialTokens.get(t);
    if (id !== undefined) return id;
  }
  throw new RangeError(
    `Cannot pad batch: the tokenizer has none of ${PAD_CANDIDATES.join(", ")} (give padToken)`,
  );
}

/**
 * Encodes `texts` with `tokenizer`: each row as
 * {@linkcode Tokenizer.encodeWithOffsets} gives it, cut to `maxLength` when
 * `truncation` is on, then padded to the longest row or to `maxLength`.
 *
 * @example
 * ```ts
 * import { encodeBatch } from "./encode_batch.ts";
 * import { WordTokenizer } from "./word_tokenizer.ts";
 * const tok = WordTokenizer.train(["the whale the sea"], { vocabSize: 10 });
 * const batch = encodeBatch(tok, ["the whale", "the"], { padding: "longest" });
 * if (batch.attentionMask[1]!.join() !== "1,0") throw new Error("expected one padded position");
 * ```
 */
export function encodeBatch(
  tokenizer: Tokenizer,
  texts: readonly string[],
  options: BatchEncodeOptions = {},
): BatchEncoding {
  const { padding = false, truncation = false, maxLength, side = "right" } = options;
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new RangeError(`Cannot encode batch: maxLength must be a positive integer (got ${maxLength})`);
  }
  if ((truncation || padding === "max_length") && maxLength === undefined) {
    throw new TypeError(
      `Cannot encode batch: ${truncation ? "truncation" : 'padding "max_length"'} needs maxLength`,
    );
  }
  const encodeOptions = options.addSpecialTokens === undefined ? {} : { addSpecialTokens: options.addSpecialTokens };
  const rows: Encoding[] = texts.map((t) => tokenizer.encodeWithOffsets(t, encodeOptions));
  const lengths = rows.map((r) => r.ids.length);
  if (truncation) {
    for (const r of rows) {
      if (r.ids.length <= maxLength!) continue;
      const [from, to] = side === "right" ? [0, maxLength!] : [r.ids.length - maxLength!, r.ids.length];
      r.ids = r.ids.slice(from, to);
      r.tokens = r.tokens.slice(from, to);
      r.offsets = r.offsets.slice(from, to);
      r.specialTokensMask = r.specialTokensMask.slice(from, to);
    }
  }
  const target = padding === "longest"
    ? Math.max(0, ...rows.map((r) => r.ids.length))
    : padding === "max_length"
    ? maxLength!
    : 0;
  const padId = padding && rows.some((r) => r.ids.length < target) ? _padId(tokenizer, options.padToken) : 0;
  const out: BatchEncoding = { ids: [], attentionMask: [], offsets: [], specialTokensMask: [], lengths };
  for (const r of rows) {
    const n = Math.max(0, target - r.ids.length);
    const fill = <T>(v: T): T[] => Array.from({ length: n }, () => v);
    const put = <T>(row: T[], v: T): T[] =>
      n === 0 ? row : side === "right" ? [...row, ...fill(v)] : [...fill(v), ...row];
    out.ids.push(put(r.ids, padId));
    out.attentionMask.push(put(r.ids.map(() => 1), 0));
    out.offsets.push(n === 0 ? r.offsets : put<[number, number]>(r.offsets, [0, 0]).map((o) => [o[0], o[1]]));
    out.specialTokensMask.push(put(r.specialTokensMask, 1));
  }
  return out;
}
