// Reading a run folder's NDJSON files for the exporters (MLflow, TensorBoard).
import { readTextIfExists } from "../io/mod.ts";

/** The records of an NDJSON file that have a numeric step, and how many lines were left out (a missing file has none). */
export async function readStepRecords<T>(path: string): Promise<{ records: T[]; skipped: number }> {
  const records: T[] = [];
  let skipped = 0;
  for (const line of ((await readTextIfExists(path)) ?? "").split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (r && typeof r === "object" && typeof r.step === "number") records.push(r as T);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}
