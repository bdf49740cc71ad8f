// Reading a run folder's files for the exporters (MLflow, TensorBoard).

/** A text file's content, or null when it does not exist (other errors throw). */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** The records of an NDJSON file that have a numeric step, and how many lines were left out (a missing file has none). */
export async function readStepRecords<T>(path: string): Promise<{ records: T[]; skipped: number }> {
  const records: T[] = [];
  let skipped = 0;
  for (const line of ((await readOptional(path)) ?? "").split("\n")) {
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
