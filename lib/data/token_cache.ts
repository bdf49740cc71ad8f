/**
 * Token caches: a corpus encoded once per tokenizer into a binary file (as
 * nanoGPT's `prepare.py` writes `train.bin`), keyed by the tokenizer's hash
 * and the text's hash, reused across runs, and rebuilt when either changes
 * or the file fails its checksum.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";

/** What a cache needs of a tokenizer (so this layer never imports the tokenizers). */
export interface CacheTokenizer {
  /** Changes whenever the tokenizer's ids would: its saved JSON, or a hash of it. */
  id: string;
  /** Token ids of `text`: integers in [0, 2^31). */
  encode(text: string): ArrayLike<number>;
}

/** A cached encoding. */
export interface TokenCacheResult {
  /** The ids: uint16 when every id is below 65,536, else int32. */
  ids: Uint16Array | Int32Array;
  /** The `.bin` file (raw little-endian ids); its `.json` sidecar sits beside it. */
  path: string;
  /** Whether the file was reused (false: encoded and written now). */
  hit: boolean;
}

/** The `.json` sidecar of a cache file. */
interface _CacheMeta {
  tokenizer_sha256: string;
  data_sha256: string;
  dtype: "uint16" | "int32";
  tokens: number;
  sha256: string;
}

async function _reuse(stem: string, tokenizerHash: string, dataHash: string): Promise<Uint16Array | Int32Array | null> {
  let meta: _CacheMeta, bytes: Uint8Array;
  try {
    meta = JSON.parse(await Deno.readTextFile(`${stem}.json`));
    bytes = await Deno.readFile(`${stem}.bin`);
  } catch {
    return null; // missing or unreadable: build it
  }
  if (meta.tokenizer_sha256 !== tokenizerHash || meta.data_sha256 !== dataHash) return null;
  if (meta.sha256 !== await sha256Hex(bytes)) return null;
  const width = meta.dtype === "uint16" ? 2 : 4;
  if (bytes.byteLength !== meta.tokens * width) return null;
  return meta.dtype === "uint16"
    ? new Uint16Array(bytes.buffer, bytes.byteOffset, meta.tokens)
    : new Int32Array(bytes.buffer, bytes.byteOffset, meta.tokens);
}

/**
 * The ids of `text` under `tokenizer`, from `<dir>/<tokenizer hash>-<text hash>.bin`
 * (16 hex digits of each SHA-256) when it is there and intact, else encoded
 * and written atomically with a JSON sidecar (tokenizer and data hashes,
 * dtype, token count, the file's SHA-256).
 *
 * @example
 * ```ts ignore
 * import { tokenCache } from "./token_cache.ts";
 * const tok = { id: "bytes-v1", encode: (t: string) => new TextEncoder().encode(t) };
 * const first = await tokenCache("call me Ishmael", tok, "artifacts/cache");
 * const again = await tokenCache("call me Ishmael", tok, "artifacts/cache");
 * console.log(first.hit, again.hit, again.path); // false true artifacts/cache/<16 hex>-<16 hex>.bin
 * ```
 */
export async function tokenCache(text: string, tokenizer: CacheTokenizer, dir: string): Promise<TokenCacheResult> {
  const dataHash = await sha256Hex(text);
  const tokenizerHash = await sha256Hex(tokenizer.id);
  const stem = join(dir, `${tokenizerHash.slice(0, 16)}-${dataHash.slice(0, 16)}`);
  const cached = await _reuse(stem, tokenizerHash, dataHash);
  if (cached) return { ids: cached, path: `${stem}.bin`, hit: true };

  const raw = tokenizer.encode(text);
  let max = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** 31) {
      throw new RangeError(
        `Cannot cache tokens: the tokenizer gave id ${v} at position ${i} (ids must be integers in [0, 2^31))`,
      );
    }
    if (v > max) max = v;
  }
  const ids = max < 65536 ? Uint16Array.from(raw) : Int32Array.from(raw);
  const bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(`${stem}.bin`, bytes);
  const meta: _CacheMeta = {
    tokenizer_sha256: tokenizerHash,
    data_sha256: dataHash,
    dtype: ids instanceof Uint16Array ? "uint16" : "int32",
    tokens: ids.length,
    sha256: await sha256Hex(bytes),
  };
  await writeJsonAtomic(`${stem}.json`, meta);
  return { ids, path: `${stem}.bin`, hit: false };
}
