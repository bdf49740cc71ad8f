/**
 * Helpers shared by the `deno task` entry points.
 *
 * @module
 */
export { parseTaskArgs, type TaskArgs } from "./parse_args.ts";
export { formatDuration, formatRate } from "./format.ts";
export { ProgressLine } from "./progress.ts";
export {
  medianStop,
  type RandomSweepOptions,
  randomTrials,
  runLimited,
  type SweepOptions,
  sweepTrials,
  sweepValues,
  type TrialEval,
} from "./sweep.ts";
export { runTask } from "./run_task.ts";
export { type KeyValues, parseKeyValues } from "./key_values.ts";
export { formatCell, formatTable } from "./format_table.ts";
