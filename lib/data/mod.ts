/**
 * Datasets: the registry of offline corpora and splits.
 *
 * @module
 */
export { type DatasetCard, listDatasets, loadText, registerDataset, type TextDataset } from "./text_datasets.ts";
export { splitTail, type StreamSplit } from "./split.ts";
