/**
 * Datasets: the registry of corpora that ship in npm packages, local files
 * (text, JSONL, JSON, CSV/TSV and Parquet through DuckDB), deterministic
 * splits with manifests and drift checks, token caches and a resumable epoch
 * batcher.
 *
 * @module
 */
export type { DataRecord, Dataset, DatasetCard, DatasetTask } from "./types.ts";
export { type DatasetEntry, listDatasets, registerDataset } from "./dataset_registry.ts";
export { loadDataset, loadLabelledDataset, loadText } from "./load_dataset.ts";
export { loadLocalDataset, type LocalOptions } from "./load_local_dataset.ts";
export { datasetFromRecords } from "./dataset_from_records.ts";
export { datasetContentHash, recordContentHash } from "./dataset_content_hash.ts";
export { type DecodedText, decodeText } from "./decode_text.ts";
export { splitTail, type StreamSplit } from "./split_tail.ts";
export {
  SPLIT_SCHEMA_VERSION,
  splitDataset,
  type SplitEntry,
  type SplitManifest,
  type SplitName,
  type SplitOptions,
} from "./split_dataset.ts";
export { type SplitReport, verifySplit } from "./verify_split.ts";
export { type CacheTokenizer, tokenCache, type TokenCacheResult } from "./token_cache.ts";
export { EpochBatcher, type EpochBatcherState } from "./epoch_batcher.ts";
