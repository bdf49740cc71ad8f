// A small in-memory dataset for the split and verify tests.
import { datasetFromRecords } from "../dataset_from_records.ts";
import type { DataRecord, Dataset } from "../types.ts";

/** `n` records r0..r(n-1); every fourth is labelled "a", the rest "b". */
export function toy(n: number, options: { labelled?: boolean; from?: number } = {}): Dataset {
  const records: DataRecord[] = Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    text: `text ${i}`,
    ...(options.labelled === false ? {} : { label: i % 4 === 0 ? "a" : "b" }),
    meta: { from: `sender${i % (options.from ?? 7)}` },
  }));
  return datasetFromRecords(
    { name: "toy", description: "", source: "", license: "", task: "classification", fields: [] },
    records,
  );
}
