import assert from "node:assert/strict";
import { checkNotebook } from "./check_notebook.ts";

Deno.test("checkNotebook: counts images, Jupyter errors, unexpected reactive-cell errors and cells that never ran", () => {
  const code = (outputs: unknown[], tags?: string[], count: number | null = 1) => ({
    cell_type: "code",
    source: ["x"],
    execution_count: count,
    metadata: tags ? { tags } : {},
    outputs,
  });
  const check = checkNotebook({
    cells: [
      { cell_type: "markdown", source: "# title" },
      code([{ output_type: "display_data", data: { "image/svg+xml": "<svg/>", "text/plain": "chart" } }]),
      code([{ output_type: "display_data", data: { "text/plain": "✖ vocab: no file" } }]),
      code([{ output_type: "display_data", data: { "text/plain": "✖ demo: on purpose" } }], ["expect-cell-error"]),
      code([{ output_type: "error", ename: "TypeError", evalue: "x is not a function" }]),
      code([], undefined, null),
    ],
  });
  assert.equal(check.cells, 5);
  assert.equal(check.images, 1);
  assert.deepEqual(check.cellErrors, [{ cell: 3, text: "✖ vocab: no file" }]);
  assert.deepEqual(check.expectedCellErrors, [{ cell: 4, text: "✖ demo: on purpose" }]);
  assert.deepEqual(check.errors.map((e) => [e.cell, e.ename]), [[5, "TypeError"]]);
  assert.deepEqual(check.notRun, [6]);
  assert.throws(() => checkNotebook({}), /Cannot check notebook: it has no cells array/);
});
