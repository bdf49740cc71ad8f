import { defaultTarget, type DisplayTarget, fileTarget } from "./display_target.ts";
import { jupyterApi } from "./in_jupyter.ts";
import { toMediaBundle } from "./media_bundle.ts";

/** Options of {@linkcode display}. */
export interface DisplayOptions {
  /** Names the output: in Jupyter its `display_id`, outside it the file name. Default: a fresh `output-N`. */
  id?: string;
  /** Change the output shown before under `id` in place instead of adding one. Default false. */
  update?: boolean;
  /** Outside Jupyter: the folder files are written to. Default `artifacts/notebook`. */
  outDir?: string;
  /** Send the output here instead (tests, custom front ends). */
  target?: DisplayTarget;
}

let counter = 0;

/**
 * Shows a value: inside the Deno Jupyter kernel as a cell output (charts as
 * `image/svg+xml`), outside it by writing the chart to
 * `artifacts/notebook/<id>.svg` and printing the path (text is printed).
 * With `id` and `update: true` the earlier output changes in place.
 *
 * @example
 * ```ts ignore
 * import { display, lossCurves } from "../../mod.ts";
 * await display(lossCurves(records), { id: "loss" });                 // a new output
 * await display(lossCurves(moreRecords), { id: "loss", update: true }); // the same output, redrawn
 * ```
 */
export async function display(value: unknown, options: DisplayOptions = {}): Promise<void> {
  const bundle = await toMediaBundle(value);
  const target = options.target ??
    (options.outDir !== undefined && jupyterApi() === undefined
      ? fileTarget({ outDir: options.outDir })
      : defaultTarget({ prefix: "display" }));
  const id = options.id ?? `output-${++counter}`;
  await target.show(id, bundle, { update: options.update ?? false });
}
