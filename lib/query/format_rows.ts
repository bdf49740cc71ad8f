/**
 * Query results as text: an aligned table for the terminal, CSV, JSON or NDJSON.
 *
 * @module
 */
import { formatTable } from "../cli/mod.ts";
import type { Row } from "./open_run_store.ts";

/** The text formats of {@linkcode formatRows}. */
export type RowFormat = "table" | "csv" | "json" | "ndjson";

function _json(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

// A cell as plain text: dates in ISO form, objects and lists as JSON.
function _text(v: unknown): unknown {
  if (v === null || v === undefined || v instanceof Date || typeof v !== "object") return v;
  return _json(v);
}

/**
 * Formats rows. `table`: aligned columns (numbers to the right), cells wider
 * than 40 characters cut with "...", newlines shown as `\n`; `csv`: a header
 * and RFC 4180 quoting; `json`: one array; `ndjson`: one object per line.
 * BIGINTs too large for a number are written as strings in JSON.
 *
 * @example
 * ```ts
 * import { formatRows } from "./format_rows.ts";
 * const rows = [{ run_id: "a", value: 2.5 }, { run_id: "b", value: 12 }];
 * console.log(formatRows(rows, "table"));
 * // run_id  value
 * // ------  -----
 * // a         2.5
 * // b          12
 * console.log(formatRows(rows, "csv"));
 * ```
 */
export function formatRows(rows: Row[], format: RowFormat): string {
  switch (format) {
    case "json":
      return _json(rows) + "\n";
    case "ndjson":
      return rows.map((r) => _json(r) + "\n").join("");
    case "csv": {
      if (rows.length === 0) return "";
      const cols = Object.keys(rows[0]!);
      const cell = (v: unknown) => {
        const t = _text(v);
        const s = t === null || t === undefined ? "" : t instanceof Date ? t.toISOString() : String(t);
        return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
      };
      return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
    }
    case "table":
      return formatTable(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, _text(v)])))) +
        "\n";
    default:
      throw new RangeError(`Cannot format rows: unknown format "${format}" (known: table, csv, json, ndjson)`);
  }
}
