/**
 * Appends records to an NDJSON file, one JSON object per line. Lines are
 * buffered and written in one call when the buffer passes 64 KiB or a
 * second has passed since the last write, and on `flush()`/`close()`. A
 * crash loses at most the buffered lines; a line is never split by codex
 * (a reader should still skip a torn last line after `kill -9` mid-write).
 *
 * @module
 */

/**
 * An append-only, buffered NDJSON file.
 *
 * @example
 * ```ts
 * import { NdjsonWriter, readNdjson } from "./ndjson_writer.ts";
 * const dir = await Deno.makeTempDir();
 * const w = new NdjsonWriter<{ step: number }>(`${dir}/log.ndjson`);
 * w.write({ step: 1 });
 * w.write({ step: 2 });
 * const before = await readNdjson(`${dir}/log.ndjson`); // still buffered
 * w.close();
 * const after = await readNdjson<{ step: number }>(`${dir}/log.ndjson`);
 * await Deno.remove(dir, { recursive: true });
 * if (before.length !== 0 || after.map((r) => r.step).join() !== "1,2") throw new Error("bad buffering");
 * ```
 */
export class NdjsonWriter<T> {
  readonly path: string;
  #file: Deno.FsFile | null;
  #enc = new TextEncoder();
  #lines: string[] = [];
  #bytes = 0;
  #lastFlush = performance.now();
  #maxBytes: number;
  #maxMs: number;

  constructor(path: string, options: { maxBufferBytes?: number; maxDelayMs?: number } = {}) {
    this.path = path;
    this.#maxBytes = options.maxBufferBytes ?? 64 * 1024;
    this.#maxMs = options.maxDelayMs ?? 1000;
    this.#file = Deno.openSync(path, { append: true, create: true });
  }

  /** Buffers one record (flushing when the buffer is full or old). */
  write(record: T): void {
    if (!this.#file) throw new Error(`Cannot write ${this.path}: the writer is closed`);
    const line = JSON.stringify(record) + "\n";
    this.#lines.push(line);
    this.#bytes += line.length;
    if (this.#bytes >= this.#maxBytes || performance.now() - this.#lastFlush >= this.#maxMs) this.flush();
  }

  /** Writes every buffered line to the file. */
  flush(): void {
    this.#lastFlush = performance.now();
    if (!this.#file || this.#lines.length === 0) return;
    const bytes = this.#enc.encode(this.#lines.join(""));
    this.#lines = [];
    this.#bytes = 0;
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
  }

  /** Flushes and closes the file. */
  close(): void {
    if (!this.#file) return;
    this.flush();
    this.#file.close();
    this.#file = null;
  }
}

/**
 * Reads every record of an NDJSON file (an empty array if it does not
 * exist). A torn last line (a process killed mid-write) is skipped; any
 * other bad line is an error naming the file and line.
 *
 * @example
 * ```ts
 * import { readNdjson } from "./ndjson_writer.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/m.ndjson`, '{"v":1}\n{"v":2}\n{"v":'); // torn last line
 * const rows = await readNdjson<{ v: number }>(`${dir}/m.ndjson`);
 * const missing = await readNdjson(`${dir}/nope.ndjson`);
 * await Deno.remove(dir, { recursive: true });
 * if (rows.map((r) => r.v).join() !== "1,2" || missing.length !== 0) throw new Error("bad read");
 * ```
 */
export async function readNdjson<T = Record<string, unknown>>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  const lines = text.split("\n");
  const torn = !text.endsWith("\n") ? lines.length - 1 : -1;
  const out: T[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === "") return;
    try {
      out.push(JSON.parse(l) as T);
    } catch {
      if (i !== torn) throw new SyntaxError(`Cannot read ${path}: line ${i + 1} is not JSON`);
    }
  });
  return out;
}
