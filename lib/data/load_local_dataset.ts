/**
 * Local data files as datasets: text (one record per non-empty line, or the
 * whole file), JSONL/NDJSON, a JSON array, and CSV/TSV or Parquet through
 * DuckDB, with a field mapping. Text is decoded with replacement, never
 * throwing on odd encodings, and the replaced characters are counted.
 *
 * @module
 */
import { basename } from "node:path";
import { decodeText } from "./decode_text.ts";
import { datasetFromRecords } from "./dataset_from_records.ts";
import type { DataRecord, Dataset, DatasetCard } from "./types.ts";

/** How to read a local file. */
export interface LocalOptions {
  /** The field holding the text (default `text`). */
  text_field?: string;
  /** The field holding the label, if any (the dataset is then for classification). */
  label_field?: string;
  /** The field holding a unique id (default: the record's number, counted from 1; for JSONL, its line number). */
  id_field?: string;
  /** For `.txt`: one record per non-empty `line` (default) or the whole `file`. */
  unit?: "line" | "file";
}

const TEXT_EXTS = ["txt", "text", "md"];
const JSON_EXTS = ["jsonl", "ndjson", "json"];
const TABLE_EXTS = ["csv", "tsv", "parquet"];

/** A row of a structured file and its number (line number for JSONL, else position from 1). */
interface _Row {
  n: number;
  fields: Record<string, unknown>;
}

/**
 * Loads a local file as a dataset. A record without the text field (or the
 * label or id field, when mapped) is a TypeError naming the file, the record
 * and the fields it has; a JSON line that does not parse is a SyntaxError.
 * CSV and Parquet load DuckDB (`npm:@duckdb/node-api`) on first use, so only
 * they need `--allow-ffi`; a CSV file in UTF-16 or with bytes that are not
 * UTF-8 is decoded (with replacement) into a temporary copy first, which needs
 * write access to the temporary folder.
 *
 * @example
 * ```ts ignore
 * import { loadLocalDataset } from "./load_local_dataset.ts";
 * const mail = await loadLocalDataset("mail.csv", { text_field: "body", label_field: "class" });
 * console.log(mail.card.labels);
 * ```
 */
export async function loadLocalDataset(path: string, options: LocalOptions = {}): Promise<Dataset> {
  const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1] ?? "";
  const name = basename(path);
  if (![...TEXT_EXTS, ...JSON_EXTS, ...TABLE_EXTS].includes(ext)) {
    throw new RangeError(
      `Cannot load dataset: ${path} has an unknown format "${ext ? "." + ext : "(no extension)"}" ` +
        `(expected .txt, .jsonl, .ndjson, .json, .csv, .tsv or .parquet, or a registered name)`,
    );
  }
  const mapped = (["text_field", "label_field", "id_field"] as const).filter((k) => options[k] !== undefined);
  if (TEXT_EXTS.includes(ext) && mapped.length) {
    throw new TypeError(`Cannot load dataset: ${name} is plain text and has no fields (got ${mapped.join(", ")})`);
  }
  if (!TEXT_EXTS.includes(ext) && options.unit !== undefined) {
    throw new TypeError(`Cannot load dataset: unit applies to plain text files, not to ${name}`);
  }
  const card: DatasetCard = {
    name: path,
    description: `Local file ${path}`,
    source: `file ${path}`,
    license: "unknown (a local file)",
    task: options.label_field ? "classification" : "language-modeling",
    fields: ["id", "text"],
  };
  let bytes = new Uint8Array();
  try {
    if (ext === "parquet") await Deno.stat(path); // DuckDB reads it
    else bytes = await Deno.readFile(path);
  } catch (err) {
    throw new Error(`Cannot load dataset: ${path} cannot be read (${(err as Error).message.split("\n")[0]})`);
  }
  if (ext === "parquet") return _fromRows(card, name, await _duckRows(path, name, "parquet"), options, 0);
  const { text, replaced, encoding } = decodeText(bytes);
  if (TEXT_EXTS.includes(ext)) {
    const records = options.unit === "file"
      ? [{ id: "1", text }]
      : text.split(/\r?\n/).flatMap((t, i) => (t.trim() === "" ? [] : [{ id: String(i + 1), text: t }]));
    return datasetFromRecords(card, records, { replaced });
  }
  if (ext === "json") return _fromRows(card, name, _jsonArrayRows(text, name), options, replaced);
  if (ext === "jsonl" || ext === "ndjson") {
    return _fromRows(card, name, _jsonLines(text, name), options, replaced);
  }
  if (replaced === 0 && encoding === "utf-8") {
    return _fromRows(card, name, await _duckRows(path, name, "csv"), options, 0);
  }
  // DuckDB reads only valid UTF-8: give it the decoded text instead.
  const copy = await Deno.makeTempFile({ prefix: "codex-data-", suffix: `.${ext}` });
  try {
    await Deno.writeTextFile(copy, text);
    return _fromRows(card, name, await _duckRows(copy, name, "csv"), options, replaced);
  } finally {
    await Deno.remove(copy);
  }
}

function _jsonLines(text: string, name: string): _Row[] {
  const rows: _Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new SyntaxError(`Cannot load dataset: ${name} line ${i + 1} is not JSON (${(err as Error).message})`);
    }
    rows.push({ n: i + 1, fields: _object(value, name, i + 1) });
  });
  return rows;
}

function _jsonArrayRows(text: string, name: string): _Row[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot load dataset: ${name} is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot load dataset: ${name} must hold an array of objects (for one object per line, use .jsonl)`,
    );
  }
  return value.map((v, i) => ({ n: i + 1, fields: _object(v, name, i + 1) }));
}

function _object(value: unknown, name: string, n: number): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new TypeError(`Cannot load dataset: ${name} record ${n} is ${got}, not an object`);
  }
  return value as Record<string, unknown>;
}

async function _duckRows(path: string, name: string, format: "csv" | "parquet"): Promise<_Row[]> {
  // DuckDB is loaded only here (it needs --allow-ffi). CSV columns stay text, so ids like "007" survive.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const sql = format === "csv"
      ? "SELECT * FROM read_csv($path, all_varchar = true)"
      : "SELECT * FROM read_parquet($path)";
    const result = await conn.runAndReadAll(sql, { path });
    return result.getRowObjectsJson().map((fields, i) => ({ n: i + 1, fields }));
  } catch (err) {
    throw new SyntaxError(
      `Cannot load dataset: ${name} cannot be read as ${format.toUpperCase()} (${
        (err as Error).message.split("\n")[0]
      })`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function _scalar(value: unknown, field: string, name: string, row: _Row, what: "text" | "label" | "id"): string {
  if (value === undefined || value === null) {
    throw new TypeError(
      `Cannot load dataset: ${name} record ${row.n} has no field "${field}" (fields: ${
        Object.keys(row.fields).join(", ") || "none"
      })`,
    );
  }
  if (typeof value === "string") return value;
  if (what !== "text" && (typeof value === "number" || typeof value === "boolean")) return String(value);
  throw new TypeError(
    `Cannot load dataset: ${name} record ${row.n} field "${field}" is ${
      Array.isArray(value) ? "an array" : `a ${typeof value}`
    } (the ${what} must be a string${what === "text" ? "" : ", number or boolean"})`,
  );
}

function _fromRows(card: DatasetCard, name: string, rows: _Row[], o: LocalOptions, replaced: number): Dataset {
  const textField = o.text_field ?? "text";
  const mapped = new Set([textField, o.label_field, o.id_field]);
  const metaFields = new Set<string>();
  const firstWithId = new Map<string, number>();
  const records = rows.map((row): DataRecord => {
    const r: DataRecord = {
      id: o.id_field ? _scalar(row.fields[o.id_field], o.id_field, name, row, "id") : String(row.n),
      text: _scalar(row.fields[textField], textField, name, row, "text"),
    };
    const first = firstWithId.get(r.id);
    if (first !== undefined) {
      throw new TypeError(
        `Cannot load dataset: ${name} record ${row.n} repeats id "${r.id}" (first used by record ${first})`,
      );
    }
    firstWithId.set(r.id, row.n);
    if (o.label_field) r.label = _scalar(row.fields[o.label_field], o.label_field, name, row, "label");
    const meta = Object.entries(row.fields).filter(([k]) => !mapped.has(k));
    if (meta.length) {
      r.meta = Object.fromEntries(meta);
      for (const [k] of meta) metaFields.add(`meta.${k}`);
    }
    return r;
  });
  const fields = ["id", "text", ...(o.label_field ? ["label"] : []), ...metaFields];
  return datasetFromRecords({ ...card, fields }, records, { replaced });
}
