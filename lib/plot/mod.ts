/**
 * Charts for runs and evaluations, drawn with Observable Plot outside a
 * browser (linkedom as the document) into standalone SVG, with PNG through
 * resvg (wasm) and the DejaVu Sans font from npm. Each chart is one function
 * `(data, options) => Chart`; a {@linkcode Chart} shows itself in Jupyter and
 * saves as `.svg` or `.png`. `writeRunReport` puts a run's config, summary,
 * charts, eval table and samples into one self-contained HTML file.
 *
 * API:
 * - `lossCurves(rows, options?)`: train vs val loss by step, EMA smoothing, log scale
 * - `runComparison(rows, options?)`: one metric, several runs
 * - `lrSchedule(rows | number[], options?)`: the learning rate by step
 * - `confusionMatrix(matrix | predictions, options?)`: counts or shares, rows = references
 * - `calibrationDiagram(predictions, options?)`: reliability diagram with ECE
 * - `intervalChart(evalRows, options?)`: values with bootstrap intervals as error bars
 * - `tokenLengthHistogram(lengths | groups, options?)`: histogram of sequence lengths
 * - `systemUsage(systemRows, options?)`: CPU, memory and load over time
 * - `Chart`: `.svg`, `.toSVG()`, `.toPNG()`, `.save(path)`, Jupyter display
 * - `writeRunReport(runDir, options?)`, `renderRunReport(runDir, options?)`
 *
 * @example
 * ```ts
 * import { lossCurves } from "./mod.ts";
 * const rows = [1, 2, 3, 4].flatMap((step) => [
 *   { step, split: "train", metric: "loss", value: 3 / step },
 *   ...(step % 2 === 0 ? [{ step, split: "val", metric: "loss", value: 3.2 / step }] : []),
 * ]);
 * const chart = lossCurves(rows, { smoothing: 0 });
 * console.log(chart.svg.startsWith("<svg")); // true
 * ```
 *
 * @module
 */
export { Chart, type ChartInfo, type PngOptions } from "./chart.ts";
export type { ChartOptions, MetricRow, Rows } from "./chart_options.ts";
export { EMA_DEFAULT, emaSmooth } from "./ema_smooth.ts";
export { lossCurves, type LossCurvesOptions } from "./loss_curves.ts";
export { runComparison, type RunComparisonOptions } from "./run_comparison.ts";
export { lrSchedule, type LrScheduleOptions } from "./lr_schedule.ts";
export {
  confusionMatrix,
  type ConfusionMatrixData,
  type ConfusionMatrixOptions,
  type PredictionRow,
} from "./confusion_matrix.ts";
export { calibrationDiagram, type CalibrationDiagramOptions, type CalibrationRow } from "./calibration_diagram.ts";
export { intervalChart, type IntervalChartOptions, type IntervalRow } from "./interval_chart.ts";
export { tokenLengthHistogram, type TokenLengthHistogramOptions } from "./token_length_histogram.ts";
export { type SystemField, type SystemRow, systemUsage, type SystemUsageOptions } from "./system_usage.ts";
export { renderRunReport, type RunReportOptions, writeRunReport } from "./run_report.ts";
