/**
 * File helpers shared by every area: atomic writes, hashes, reading a file that may be missing.
 *
 * @module
 */
export { appendJsonLine, writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";
export { sha256Hex, stableStringify } from "./sha256.ts";
export { readTextIfExists } from "./read_text_if_exists.ts";
