/**
 * Evaluation: the metrics registry (built-in metrics matched to their
 * reference implementations, aliases, plugins), bootstrap intervals
 * (percentile, BCa, paired), and the eval runner that scores runs, models
 * and prediction files and writes `eval/metrics.ndjson`, `eval/metrics.csv`
 * and `eval/predictions.ndjson`.
 *
 * @module
 */
export { checkLengths, type Decomposition, type Metric, type MetricInputs, type MetricValue } from "./metric.ts";
export {
  aliasMetric,
  type ClashPolicy,
  getMetric,
  listMetrics,
  loadMetricPlugin,
  type MetricInfo,
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
export {
  type BleuOptions,
  type BleuResult,
  type ChrfOptions,
  corpusBleu,
  corpusChrf,
  normalizeAnswer,
  rougeTokens,
  tokenize13a,
} from "./text_metrics.ts";
export { type EvalResult, evaluate, type EvaluateOptions } from "./evaluate.ts";
export { type ClassifierRun, loadClassifierRun } from "./load_classifier_run.ts";
export { type LanguageModelScores, scoreLanguageModel, type WindowPrediction } from "./score_language_model.ts";
export { scoreClassifier } from "./score_classifier.ts";
export { EVAL_CSV_COLUMNS, type EvalRow, writeEvalRows } from "./write_eval_rows.ts";
