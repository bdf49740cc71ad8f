/**
 * A text table of row objects for the terminal.
 *
 * @module
 */

/**
 * A value as table text: dates in ISO form, floats to 6 places.
 *
 * @example
 * ```ts
 * import { formatCell } from "./format_table.ts";
 * if (formatCell(1 / 3) !== "0.333333" || formatCell(null) !== "") throw new Error("bad cell");
 * if (formatCell(new Date(0)) !== "1970-01-01T00:00:00.000Z") throw new Error("bad date");
 * ```
 */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return String(v);
}

/**
 * An aligned text table; cells wider than 40 characters are cut with "...".
 *
 * @example
 * ```ts
 * import { formatTable } from "./format_table.ts";
 * const text = formatTable([{ metric: "loss", value: 2.5 }, { metric: "acc", value: 0.75 }]);
 * const want = "metric  value\n------  -----\nloss      2.5\nacc      0.75";
 * if (text !== want) throw new Error(text);
 * ```
 */
export function formatTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = Object.keys(rows[0]!);
  const cut = (s: string) => (s.length > 40 ? s.slice(0, 37) + "..." : s).replaceAll("\n", "\\n");
  const cells = rows.map((r) => cols.map((c) => cut(formatCell(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = cols.map((c) => rows.every((r) => r[c] === null || typeof r[c] === "number"));
  const line = (r: string[]) =>
    r.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
