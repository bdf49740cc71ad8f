// The Parquet cache of large NDJSON files: DuckDB reads Parquet an order of
// magnitude faster than NDJSON, so a file of 1 MiB or more is read once into
// DIR/.query-cache/<path hash>-<size>-<mtime>.parquet and from there on until
// it changes. Private to lib/query.
import { basename, join, relative } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sha256Hex } from "../io/mod.ts";
import { type SourceFiles, sourceRows, SOURCES, sqlString } from "./_view_sql.ts";

/** NDJSON files from this size up are read through a Parquet copy. */
const CACHE_MIN_BYTES = 1 << 20;

/** Copies no view uses any more are removed once this old (a query in flight may still read one). */
const STALE_MS = 10 * 60 * 1000;

/**
 * Splits each source's files (`listing`) into those read as they are and
 * those read from a Parquet copy in `cacheDir`, writing the copies that are
 * missing. A copy is named after the file's path, size and mtime, so a file
 * that grew or was rewritten gets a new one. Returns null for `cacheDir`
 * when the cache cannot be written (then every file is read directly).
 */
export async function cacheSources(
  conn: DuckDBConnection,
  dir: string,
  cacheDir: string | null,
  listing: Record<string, string[]>,
  hashes: Map<string, string>,
): Promise<{ files: Record<string, SourceFiles>; cacheDir: string | null }> {
  const files: Record<string, SourceFiles> = {};
  for (const [name, paths] of Object.entries(listing)) {
    const source = SOURCES[name]!;
    const f: SourceFiles = { direct: [], parquet: [] };
    files[name] = f;
    for (const path of paths) {
      let size = 0, mtime = 0;
      if (source.format === "ndjson" && cacheDir !== null) {
        try {
          // Synchronous: hundreds of stats per query, each a few microseconds.
          const st = Deno.statSync(path);
          [size, mtime] = [st.size, st.mtime?.getTime() ?? 0];
        } catch (err) {
          if (err instanceof Deno.errors.NotFound) continue; // deleted since it was listed
          throw err;
        }
      }
      if (cacheDir === null || size < CACHE_MIN_BYTES) {
        f.direct.push(path);
        continue;
      }
      let key = hashes.get(path);
      if (key === undefined) hashes.set(path, key = (await sha256Hex(relative(dir, path))).slice(0, 16));
      const parquet = join(cacheDir, `${key}-${size}-${mtime}.parquet`);
      try {
        Deno.statSync(parquet);
      } catch {
        try {
          await Deno.mkdir(cacheDir, { recursive: true });
          const tmp = `${parquet}.tmp-${crypto.randomUUID().slice(0, 8)}`;
          const cols = source.columns.map(([c]) => `"${c}"`).join(", ");
          await conn.run(
            `COPY (SELECT ${cols} FROM (${sourceRows(source, sqlString(path))}) WHERE _ok) ` +
              `TO ${sqlString(tmp)} (FORMAT parquet)`,
          );
          await Deno.rename(tmp, parquet);
        } catch {
          // A store we may not write to: read every file directly.
          return cacheSources(conn, dir, null, listing, hashes);
        }
      }
      f.parquet.push(parquet);
    }
  }
  return { files, cacheDir };
}

/** Removes copies (and torn temporary files) that no view uses and that are older than ten minutes. */
export async function sweepCache(cacheDir: string, files: Record<string, SourceFiles>): Promise<void> {
  const used = new Set(Object.values(files).flatMap((f) => f.parquet.map((p) => basename(p))));
  try {
    for await (const e of Deno.readDir(cacheDir)) {
      if (!e.isFile || used.has(e.name) || !/\.parquet(\.tmp-\w+)?$/.test(e.name)) continue;
      const path = join(cacheDir, e.name);
      const st = await Deno.stat(path);
      if (Date.now() - (st.mtime?.getTime() ?? 0) > STALE_MS) await Deno.remove(path);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}
