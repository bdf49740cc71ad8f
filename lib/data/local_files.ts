/**
 * Local data files as datasets: text (one record per non-empty line, or
 * the whole file), JSONL/NDJSON, and CSV or Parquet through DuckDB, with a
 * field mapping.
 *
 * @module
 */
import { type DataRecord, type Dataset, describe } from "./dataset.ts";
import { decodeText } from "./decode_text.ts";

/** How to read a local file. */
export interface LocalOptions {
  /** The field holding the text (default `text`). */
  text_field?: string;
  /** The field holding the label, if any. */
  label_field?: string;
  /** The field holding a stable id (default: the row number). */
  id_field?: string;
  /** For `.txt`: one record per non-empty `line` (default) or the whole `file`. */
  unit?: "line" | "file";
}

async function duckRows(path: string, reader: "read_csv" | "read_parquet"): Promise<Record<string, unknown>[]> {
  // DuckDB is loaded only for CSV and Parquet (it needs --allow-ffi).
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(`SELECT * FROM ${reader}($path)`, { path });
    return r.getRowObjects() as Record<string, unknown>[];
  } catch (err) {
    throw new SyntaxError(
      `Cannot load dataset: ${path} could not be read as ${reader.slice(5)} (${(err as Error).message.split("\n")[0]})`,
    );
  } finally {
    conn.closeSync();
  }
}

function toRecords(path: string, rows: Record<string, unknown>[], o: LocalOptions): DataRecord[] {
  const textField = o.text_field ?? "text";
  return rows.map((row, i) => {
    if (!(textField in row) || row[textField] === null || row[textField] === undefined) {
      throw new TypeError(
        `Cannot load dataset: ${path} record ${i + 1} has no field "${textField}" (fields: ${
          Object.keys(row).join(", ")
        })`,
      );
    }
    if (o.label_field && (!(o.label_field in row) || row[o.label_field] === null)) {
      throw new TypeError(`Cannot load dataset: ${path} record ${i + 1} has no field "${o.label_field}"`);
    }
    const r: DataRecord = {
      id: o.id_field ? String(row[o.id_field]) : String(i),
      text: String(row[textField]),
    };
    if (o.label_field) r.label = String(row[o.label_field]);
    return r;
  });
}

/** Loads a local file as a dataset (see {@linkcode LocalOptions}). */
export async function loadLocalDataset(path: string, o: LocalOptions = {}): Promise<Dataset> {
  const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1] ?? "";
  let bytes: Uint8Array | null = null;
  if (ext !== "parquet") {
    try {
      bytes = await Deno.readFile(path);
    } catch (err) {
      throw new Error(`Cannot load dataset: ${path} cannot be read (${(err as Error).message.split("\n")[0]})`);
    }
  }
  const card = {
    name: path,
    description: `Local file ${path}`,
    source: path,
    license: "unknown (local file)",
    task: (o.label_field ? "classification" : "language-modeling") as "classification" | "language-modeling",
    fields: ["id", "text", ...(o.label_field ? ["label"] : [])],
  };
  if (ext === "txt" || ext === "text" || ext === "md") {
    const { text, replaced } = decodeText(bytes!);
    const records = o.unit === "file"
      ? [{ id: "0", text }]
      : text.split(/\r?\n/).map((t, i) => ({ id: String(i + 1), text: t })).filter((r) => r.text.trim() !== "");
    return describe(card, records, replaced);
  }
  if (ext === "jsonl" || ext === "ndjson" || ext === "json") {
    const { text, replaced } = decodeText(bytes!);
    const rows = text.split(/\r?\n/).map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== "").map(([l, i]) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new SyntaxError(`Cannot load dataset: ${path} line ${i + 1} is not JSON`);
      }
    });
    return describe(card, toRecords(path, rows, o), replaced);
  }
  if (ext === "csv" || ext === "tsv") return describe(card, toRecords(path, await duckRows(path, "read_csv"), o));
  if (ext === "parquet") return describe(card, toRecords(path, await duckRows(path, "read_parquet"), o));
  throw new RangeError(
    `Cannot load dataset: ${path} has an unknown format ".${ext}" (expected .txt, .jsonl, .ndjson, .csv, .parquet)`,
  );
}
