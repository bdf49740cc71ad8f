/**
 * File helpers shared by every area that writes: atomic writes and hashes.
 *
 * @module
 */
export { appendJsonLine, writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";
export { sha256Hex, stableStringify } from "./sha256.ts";
