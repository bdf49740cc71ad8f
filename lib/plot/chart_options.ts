/**
 * The options every chart takes, and the row shapes of chart inputs.
 *
 * @module
 */

/** Options every chart takes. */
export interface ChartOptions {
  /** Width in pixels of the whole chart (default 640). */
  width?: number;
  /** Height in pixels of the plot area of one panel, axes included (default per chart, mostly 320). */
  height?: number;
  /** The title above the chart (default per chart; `""` for none). */
  title?: string;
  /** A smaller line under the title (default per chart, often none). */
  subtitle?: string;
}

/**
 * One metric value as in `metrics.ndjson` or the `metrics` DuckDB view.
 * Only the fields a chart uses are required; `value` may be null (a
 * diverged loss), such points are left out.
 */
export interface MetricRow {
  run_id?: string;
  step: number | bigint;
  split?: string;
  metric?: string;
  value: number | null;
}

/**
 * Chart input: rows of the documented shape (`MetricRecord`s read from a
 * run, say), or untyped rows such as `query()` results from DuckDB. Either
 * way each row is checked when the chart is built, and a missing or
 * mistyped field is a TypeError naming the row and the field.
 */
export type Rows<T> = readonly T[] | readonly Readonly<Record<string, unknown>>[];
