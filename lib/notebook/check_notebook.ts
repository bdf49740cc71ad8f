/** What {@linkcode checkNotebook} found in an executed notebook. */
export interface NotebookCheck {
  /** Code cells in the notebook. */
  cells: number;
  /** Outputs with `image/svg+xml` or `image/png`. */
  images: number;
  /** Error outputs, with the source of the cell that raised each. */
  errors: { cell: number; ename: string; evalue: string; source: string }[];
  /**
   * Outputs that show a reactive cell's error (`✖ name: ...`), which are not
   * Jupyter errors, in notebook cells not tagged `expect-cell-error`.
   */
  cellErrors: { cell: number; text: string }[];
  /** The same, in notebook cells tagged `expect-cell-error` (a cell that shows a failure on purpose). */
  expectedCellErrors: { cell: number; text: string }[];
  /** Code cells that never ran (no `execution_count`). */
  notRun: number[];
}

interface NbOutput {
  output_type?: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface NbCell {
  cell_type?: string;
  metadata?: { tags?: string[] };
  source?: string | string[];
  outputs?: NbOutput[];
  execution_count?: number | null;
}

const joined = (s: string | string[] | undefined): string => Array.isArray(s) ? s.join("") : s ?? "";

/**
 * Reads an executed `.ipynb` (as parsed JSON) and counts its image outputs,
 * error outputs, reactive-cell errors and unexecuted cells: the contract of
 * `deno task notebooks` is at least one `image/svg+xml` or `image/png`
 * output and no errors, where a reactive cell's `✖` output counts as an
 * error unless its notebook cell is tagged `expect-cell-error`.
 *
 * @example
 * ```ts
 * import { checkNotebook } from "./check_notebook.ts";
 * const nb = {
 *   cells: [{
 *     cell_type: "code",
 *     source: "chart",
 *     execution_count: 1,
 *     outputs: [{ output_type: "display_data", data: { "image/svg+xml": "<svg/>" } }],
 *   }],
 * };
 * console.log(checkNotebook(nb).images); // 1
 * ```
 */
export function checkNotebook(notebook: unknown): NotebookCheck {
  const cells = (notebook as { cells?: NbCell[] } | null)?.cells;
  if (!Array.isArray(cells)) throw new TypeError("Cannot check notebook: it has no cells array");
  const out: NotebookCheck = { cells: 0, images: 0, errors: [], cellErrors: [], expectedCellErrors: [], notRun: [] };
  cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    out.cells++;
    if (cell.execution_count === null || cell.execution_count === undefined) out.notRun.push(index + 1);
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") {
        out.errors.push({
          cell: index + 1,
          ename: o.ename ?? "Error",
          evalue: o.evalue ?? "",
          source: joined(cell.source),
        });
        continue;
      }
      const data = o.data ?? {};
      if ("image/svg+xml" in data || "image/png" in data) out.images++;
      const text = joined(data["text/plain"] as string | string[] | undefined);
      const expected = cell.metadata?.tags?.includes("expect-cell-error") ?? false;
      if (text.startsWith("✖ ")) (expected ? out.expectedCellErrors : out.cellErrors).push({ cell: index + 1, text });
    }
  });
  return out;
}
