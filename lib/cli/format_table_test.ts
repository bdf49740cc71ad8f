import assert from "node:assert/strict";
import { formatCell, formatTable } from "./format_table.ts";

Deno.test("formatCell: empty for null/undefined, ISO dates, integers as is, floats to 6 places", () => {
  assert.equal(formatCell(null), "");
  assert.equal(formatCell(undefined), "");
  assert.equal(formatCell(new Date(Date.UTC(2026, 10, 23, 20, 15, 0))), "2026-11-23T20:15:00.000Z");
  assert.equal(formatCell(42), "42");
  assert.equal(formatCell(-7), "-7");
  assert.equal(formatCell(1 / 3), "0.333333");
  assert.equal(formatCell(2.5), "2.5");
  assert.equal(formatCell(1.23456789), "1.234568");
  assert.equal(formatCell(123n), "123");
  assert.equal(formatCell(true), "true");
  assert.equal(formatCell("text"), "text");
});

Deno.test("formatTable: no rows", () => {
  assert.equal(formatTable([]), "(no rows)");
});

Deno.test("formatTable: header, dashes, numbers right-aligned, text left-aligned, trailing space trimmed", () => {
  const table = formatTable([
    { run: "a", loss: 2.5, step: 10 },
    { run: "bbbbbb", loss: 0.125, step: 200 },
    { run: "c", loss: null, step: 3 },
  ]);
  assert.equal(
    table,
    [
      "run      loss  step",
      "------  -----  ----",
      "a         2.5    10",
      "bbbbbb  0.125   200",
      "c                 3",
    ].join("\n"),
  );
});

Deno.test("formatTable: columns come from the first row; missing cells are empty", () => {
  const table = formatTable([{ a: "x", b: "y" }, { a: "long value", c: "ignored" }]);
  assert.equal(table, ["a           b", "----------  -", "x           y", "long value"].join("\n"));
});

Deno.test("formatTable: cells over 40 characters are cut to 37 plus ... and newlines are escaped", () => {
  const long = "x".repeat(41);
  const lines = formatTable([{ text: long }, { text: "a\nb" }]).split("\n");
  assert.equal(lines[2], "x".repeat(37) + "...");
  assert.equal(lines[2]!.length, 40);
  assert.equal(lines[3], "a\\nb");
  // exactly 40 characters is kept whole
  assert.equal(formatTable([{ t: "y".repeat(40) }]).split("\n")[2], "y".repeat(40));
});
