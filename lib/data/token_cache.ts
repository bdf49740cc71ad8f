/**
 * Token caches: a corpus encoded once per tokenizer into a binary file (as
 * nanoGPT's `prepare.py` writes `train.bin`), keyed by the tokenizer's id and
 * the text's hash, reused across runs and rebuilt when either changes or the
 * file fails its checksum.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";

/** What a cache needs of a tokenizer. */
export interface CacheTokenizer {
  /** Changes whenever the tokenizer's ids would (its hash). */
  id: string;
  encode(text: string): ArrayLike<number>;
}

/** A cached encoding. */
export interface TokenCacheResult {
  ids: Uint16Array | Int32Array;
  path: string;
  /** Whether the file was reused (false: built now). */
  hit: boolean;
}

/**
 * The ids of `text` under `tokenizer`, from `<dir>/<tokenizer>-<text hash>.bin`
 * if it is there and intact, else encoded and written (uint16 when every id
 * fits, else int32).
 */
export async function tokenCache(text: string, tokenizer: CacheTokenizer, dir: string): Promise<TokenCacheResult> {
  const dataHash = (await sha256Hex(text)).slice(0, 16);
  const tokHash = (await sha256Hex(tokenizer.id)).slice(0, 16);
  const stem = join(dir, `${tokHash}-${dataHash}`);
  try {
    const meta = JSON.parse(await Deno.readTextFile(`${stem}.json`));
    const bytes = await Deno.readFile(`${stem}.bin`);
    if (meta.sha256 === await sha256Hex(bytes) && meta.tokenizer === tokenizer.id && meta.data_sha256_16 === dataHash) {
      const ids = meta.dtype === "uint16"
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2)
        : new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      return { ids, path: `${stem}.bin`, hit: true };
    }
  } catch {
    // missing or unreadable: build it
  }
  const raw = tokenizer.encode(text);
  let max = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i]! > max) max = raw[i]!;
  const ids = max < 65536 ? Uint16Array.from(raw) : Int32Array.from(raw);
  const bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(`${stem}.bin`, bytes);
  await writeJsonAtomic(`${stem}.json`, {
    tokenizer: tokenizer.id,
    data_sha256_16: dataHash,
    dtype: ids instanceof Uint16Array ? "uint16" : "int32",
    tokens: ids.length,
    sha256: await sha256Hex(bytes),
  });
  return { ids, path: `${stem}.bin`, hit: false };
}
