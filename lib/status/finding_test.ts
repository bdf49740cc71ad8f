import assert from "node:assert/strict";
import { compareFindings, findingKey, makeFinding } from "./finding.ts";

Deno.test("makeFinding: every field in order, null where not given or not a finite number", () => {
  const f = makeFinding({ kind: "anomaly", rule: "nan_loss", severity: "error", message: "m", value: NaN }, "T");
  assert.deepEqual(Object.entries(f), [
    ["schema_version", 1],
    ["ts", "T"],
    ["kind", "anomaly"],
    ["rule", "nan_loss"],
    ["severity", "error"],
    ["path", null],
    ["line", null],
    ["symbol", null],
    ["run_id", null],
    ["value", null],
    ["message", "m"],
  ]);
});

Deno.test("compareFindings and findingKey: kind order, then path and line; keys ignore lines and time", () => {
  const f = (kind: "stub" | "parse_error" | "anomaly", path: string | null, line: number | null, ts = "T") =>
    makeFinding({ kind, rule: "r", severity: "info", path, line, message: "m" }, ts);
  const sorted = [
    f("anomaly", "a", null),
    f("stub", "b", 2),
    f("stub", "b", 1),
    f("stub", null, null),
    f("parse_error", "z", 1),
  ]
    .sort(compareFindings).map((x) => [x.kind, x.path, x.line]);
  assert.deepEqual(sorted, [
    ["parse_error", "z", 1],
    ["stub", null, null],
    ["stub", "b", 1],
    ["stub", "b", 2],
    ["anomaly", "a", null],
  ]);
  assert.equal(findingKey(f("stub", "b", 1, "T1")), findingKey(f("stub", "b", 9, "T2")));
  assert.notEqual(findingKey(f("stub", "b", 1)), findingKey(f("stub", "c", 1)));
});
