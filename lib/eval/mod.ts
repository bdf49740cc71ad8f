/**
 * Evaluation: the metrics registry, bootstrap intervals, and the eval runner.
 *
 * @module
 */
export { checkLengths, type Metric, type MetricInputs, type MetricValue } from "./metric.ts";
export {
  aliasMetric,
  type ClashPolicy,
  getMetric,
  listMetrics,
  loadMetricPlugin,
  registerMetric,
} from "./metric_registry.ts";
export {
  bootstrap,
  type BootstrapOptions,
  type Interval,
  normalCdf,
  normalQuantile,
  pairedBootstrap,
  type PairedResult,
} from "./bootstrap.ts";
export { corpusBleu, corpusChrf, normalizeAnswer, rougeTokens, tokenize13a } from "./text_metrics.ts";
export {
  type EvalRow,
  evaluatePredictions,
  type EvaluatePredictionsOptions,
  evaluateRun,
  type EvaluateRunOptions,
  writeEvalRows,
} from "./evaluate.ts";
