/**
 * Atomic file writes: write to a temporary name beside the target, flush,
 * then rename over it, so a reader (or a crash) never sees a half file.
 *
 * @module
 */
import { dirname } from "node:path";

/**
 * Writes bytes or text to `path` atomically.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic_write.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/note.txt`, "hello");
 * const text = await Deno.readTextFile(`${dir}/note.txt`);
 * const names = [...Deno.readDirSync(dir)].map((e) => e.name);
 * await Deno.remove(dir, { recursive: true });
 * if (text !== "hello" || names.join() !== "note.txt") throw new Error("no temp file should remain");
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    // A failed write (a full disk) or rename leaves the target as it was and no temporary file behind.
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Writes a value as pretty JSON (with a trailing newline) atomically.
 *
 * @example
 * ```ts
 * import { writeJsonAtomic } from "./atomic_write.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/state.json`, { step: 5 });
 * const text = await Deno.readTextFile(`${dir}/state.json`);
 * await Deno.remove(dir, { recursive: true });
 * if (text !== '{\n  "step": 5\n}\n') throw new Error(text);
 * ```
 */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Appends one JSON record as a line to `path` (creating it and its folder), in a single write.
 *
 * @example
 * ```ts
 * import { appendJsonLine } from "./atomic_write.ts";
 * const dir = await Deno.makeTempDir();
 * await appendJsonLine(`${dir}/logs/events.ndjson`, { kind: "start" });
 * await appendJsonLine(`${dir}/logs/events.ndjson`, { kind: "end" });
 * const text = await Deno.readTextFile(`${dir}/logs/events.ndjson`);
 * await Deno.remove(dir, { recursive: true });
 * if (text !== '{"kind":"start"}\n{"kind":"end"}\n') throw new Error(text);
 * ```
 */
export async function appendJsonLine(path: string, record: unknown): Promise<void> {
  const dir = dirname(path);
  if (dir !== ".") await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(record) + "\n", { append: true });
}
