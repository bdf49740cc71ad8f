/**
 * Content hashes of records and datasets: what split manifests and dataset
 * cards pin, so a change in the data is seen. Synchronous (`node:crypto`),
 * so hashing many small records stays cheap.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { DataRecord } from "./types.ts";

/** The hex SHA-256 of UTF-8 text. */
export function _sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The SHA-256 of one record's id, text and label (not its `meta`): of the
 * JSON text `[id, text, label or null]`.
 *
 * @example
 * ```ts
 * import { recordContentHash } from "./dataset_content_hash.ts";
 * const a = recordContentHash({ id: "1", text: "hi", label: "ham" });
 * if (a === recordContentHash({ id: "1", text: "hi", label: "spam" })) throw new Error("a label is content");
 * ```
 */
export function recordContentHash(record: DataRecord): string {
  return _sha256(JSON.stringify([record.id, record.text, record.label ?? null]));
}

/** Every record's hash and the dataset's hash (the SHA-256 of the record hashes, one per line, in order). */
export function _hashRecords(records: DataRecord[]): { hashes: string[]; hash: string } {
  const hashes = records.map(recordContentHash);
  return { hashes, hash: _sha256(hashes.join("\n")) };
}

/**
 * The SHA-256 of a dataset's content: of its records' {@linkcode recordContentHash}es,
 * one per line, in order. Cards and split manifests carry it.
 *
 * @example
 * ```ts
 * import { datasetContentHash } from "./dataset_content_hash.ts";
 * const h = datasetContentHash([{ id: "1", text: "hi" }, { id: "2", text: "ho" }]);
 * if (h === datasetContentHash([{ id: "2", text: "ho" }, { id: "1", text: "hi" }])) {
 *   throw new Error("the order of records is part of the content");
 * }
 * ```
 */
export function datasetContentHash(records: DataRecord[]): string {
  return _hashRecords(records).hash;
}
