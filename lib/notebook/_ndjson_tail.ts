// Reads an append-only NDJSON file incrementally: only the bytes added since the
// last read, holding back a torn last line until it is complete. Starts over when
// the file shrinks or is replaced (another inode).
import type { FileStat } from "./_file_poller.ts";

export class NdjsonTail<T> {
  #offset = 0;
  #ino: number | null | undefined;
  #carry = "";
  #line = 0;
  #decoder = new TextDecoder();
  records: T[] = [];

  constructor(readonly path: string) {}

  #reset(): void {
    this.#offset = 0;
    this.#carry = "";
    this.#line = 0;
    this.#decoder = new TextDecoder();
    this.records = [];
  }

  /** Brings `records` up to date with the file as `stat` describes it. */
  async update(stat: FileStat): Promise<T[]> {
    if (stat === undefined) {
      this.#reset();
      this.#ino = undefined;
      return this.records;
    }
    if (stat.size < this.#offset || (this.#ino !== undefined && stat.ino !== this.#ino)) this.#reset();
    this.#ino = stat.ino;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        this.#reset();
        return this.records;
      }
      throw err;
    }
    let text = "";
    try {
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(64 * 1024);
      while (true) {
        const n = await file.read(buf);
        if (n === null || n === 0) break;
        this.#offset += n;
        text += this.#decoder.decode(buf.subarray(0, n), { stream: true });
      }
    } finally {
      file.close();
    }
    const lines = (this.#carry + text).split("\n");
    this.#carry = lines.pop() ?? "";
    for (const line of lines) {
      this.#line++;
      if (line.trim() === "") continue;
      try {
        this.records.push(JSON.parse(line) as T);
      } catch {
        throw new SyntaxError(`Cannot read ${this.path}: line ${this.#line} is not JSON`);
      }
    }
    return this.records;
  }
}
