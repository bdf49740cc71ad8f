/**
 * Datasets: the registry of offline corpora, local files, splits with
 * manifests, token caches and batchers.
 *
 * @module
 */
export { type DataRecord, type Dataset, type DatasetCard } from "./dataset.ts";
export { type DatasetEntry, listDatasets, loadDataset, loadText, registerDataset } from "./dataset_registry.ts";
export { type LocalOptions } from "./local_files.ts";
export { type DecodedText, decodeText } from "./decode_text.ts";
export { splitTail, type StreamSplit } from "./split.ts";
export {
  SPLIT_SCHEMA_VERSION,
  splitDataset,
  type SplitManifest,
  type SplitOptions,
  type SplitReport,
  verifySplit,
} from "./split_dataset.ts";
export { type CacheTokenizer, tokenCache, type TokenCacheResult } from "./token_cache.ts";
export { EpochBatcher, type EpochBatcherState } from "./epoch_batcher.ts";
