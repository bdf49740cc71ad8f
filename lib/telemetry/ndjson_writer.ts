/**
 * Appends records to an NDJSON file, one JSON object per line. Each line is
 * written with one call, so a crash can lose at most the last line whole.
 *
 * @module
 */

/** An append-only NDJSON file. */
export class NdjsonWriter<T> {
  readonly path: string;
  #file: Deno.FsFile;
  #enc = new TextEncoder();

  constructor(path: string) {
    this.path = path;
    this.#file = Deno.openSync(path, { append: true, create: true });
  }

  /** Appends one record. */
  write(record: T): void {
    const bytes = this.#enc.encode(JSON.stringify(record) + "\n");
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
  }

  /** Closes the file. */
  close(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}

/** Reads every record of an NDJSON file (an empty array if it does not exist). */
export async function readNdjson<T = Record<string, unknown>>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return text.split("\n").filter((l) => l.trim() !== "").map((l, i) => {
    try {
      return JSON.parse(l) as T;
    } catch {
      throw new SyntaxError(`Cannot read ${path}: line ${i + 1} is not JSON`);
    }
  });
}
