import assert from "node:assert/strict";
import { formatRows } from "./format_rows.ts";

const rows = [
  { run_id: "a", value: 2.5, ts: new Date("2026-01-01T00:00:00Z"), data: { k: [1, 2] }, note: 'say "hi", then\ngo' },
  { run_id: "b", value: null, ts: null, data: null, note: "x".repeat(50) },
];

Deno.test("formatRows: table aligns columns, cuts wide cells and shows objects as JSON", () => {
  assert.equal(
    formatRows(rows, "table"),
    [
      "run_id  value  ts                        data         note",
      "------  -----  ------------------------  -----------  ----------------------------------------",
      'a         2.5  2026-01-01T00:00:00.000Z  {"k":[1,2]}  say "hi", then\\ngo',
      "b                                                     xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...",
      "",
    ].join("\n"),
  );
  assert.equal(formatRows([], "table"), "(no rows)\n");
});

Deno.test("formatRows: CSV quotes, JSON and NDJSON keep types", () => {
  assert.equal(
    formatRows(rows.slice(0, 1), "csv"),
    'run_id,value,ts,data,note\na,2.5,2026-01-01T00:00:00.000Z,"{""k"":[1,2]}","say ""hi"", then\ngo"\n',
  );
  assert.equal(formatRows([], "csv"), "");
  assert.deepEqual(JSON.parse(formatRows(rows, "json")), JSON.parse(JSON.stringify(rows)));
  assert.equal(formatRows([{ n: 2n ** 70n }, { n: 1 }], "ndjson"), '{"n":"1180591620717411303424"}\n{"n":1}\n');
  assert.throws(() => formatRows(rows, "xml" as "csv"), RangeError);
});
