/**
 * Reactive cells for notebooks and single-file scripts, on
 * `@observablehq/runtime`: named cells whose inputs are other cells, file
 * cells that recompute when a file changes, live run charts, and a display
 * that is a Jupyter output inside `deno jupyter` and a file elsewhere.
 *
 * @example
 * ```ts ignore
 * import { lossCurves, notebook, watchRun } from "../../mod.ts";
 * const nb = notebook();
 * await watchRun(nb, "artifacts/runs/<run_id>"); // a loss chart that redraws as the run appends
 * ```
 *
 * @module
 */
export {
  type CellDefinition,
  type CellOptions,
  type CellState,
  type CellStatus,
  type FileCellOptions,
  Notebook,
  notebook,
  type NotebookOptions,
} from "./notebook.ts";
export { display, type DisplayOptions } from "./display.ts";
export {
  defaultTarget,
  type DisplayTarget,
  fileTarget,
  type FileTargetOptions,
  jupyterTarget,
  safeFileName,
} from "./display_target.ts";
export { hasImage, type MediaBundle, toMediaBundle } from "./media_bundle.ts";
export { inJupyter, type JupyterApi, jupyterApi } from "./in_jupyter.ts";
export { checkNotebook, type NotebookCheck } from "./check_notebook.ts";
export { latestRunDir, watchRun, type WatchRunOptions } from "./watch_run.ts";
