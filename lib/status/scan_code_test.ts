import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureTree } from "./_testing.ts";
import { fileRole, scanCode } from "./scan_code.ts";

Deno.test("fileRole: tests, shared suites, benchmarks, modules and the rest", () => {
  assert.deepEqual(
    [
      "lib/a/b_test.ts",
      "lib/train/_testing.ts",
      "lib/models/model_suite.ts",
      "tests/_task.ts",
      "lib/eval/bootstrap_bench.ts",
      "lib/a/b.ts",
      "tasks/train.ts",
      "mod.ts",
    ].map(fileRole),
    ["test", "test", "test", "test", "bench", "module", "other", "other"],
  );
});

Deno.test("scanCode: stubs, markers, parse errors, untested modules and missing examples of a fixture tree", async () => {
  const root = await fixtureTree();
  try {
    const { findings, counts } = await scanCode(root);
    const rows = findings.map((f) => [f.kind, f.rule, f.path, f.line ?? null, f.symbol ?? null, f.message]);
    assert.deepEqual(rows, [
      [
        "parse_error",
        "syntax",
        "lib/widgets/broken.ts",
        2,
        null,
        "Cannot parse: ':' expected. (3 parse errors in all)",
      ],
      ["todo", "todo", "lib/widgets/stubby.ts", 22, null, "TODO: stop the widget for real"],
      ["todo", "fixme", "lib/widgets/stubby.ts", 31, null, "FIXME measure it"],
      ["stub", "not_implemented", "lib/widgets/stubby.ts", 9, "spin", 'spin only throws "not implemented"'],
      ["stub", "empty_body", "lib/widgets/stubby.ts", 28, "Widget.paint", "Widget.paint has an empty body"],
      [
        "no_example",
        "no_example",
        "lib/widgets/stubby.ts",
        9,
        "spin",
        "exported function spin has no @example in its JSDoc",
      ],
      [
        "no_example",
        "no_example",
        "lib/widgets/stubby.ts",
        26,
        "Widget",
        "exported class Widget has no @example in its JSDoc",
      ],
      [
        "no_example",
        "no_example",
        "lib/widgets/stubby.ts",
        36,
        "onDone",
        "exported variable onDone has no @example in its JSDoc",
      ],
      ["todo", "todo", "lib/widgets/stubby_test.ts", 3, null, "TODO: a real test"],
      [
        "untested",
        "no_test",
        "lib/widgets/untested.ts",
        null,
        null,
        "no test covers this module (no untested_test.ts beside it, and no test file imports it, directly or through a mod.ts)",
      ],
    ]);
    // 9 files; 6 modules, of which 3 have runtime code and parse (types.ts and mod.ts have none),
    // 2 covered (stubby.ts by its test, _clamp.ts through stubby.ts); 5 public exports, 2 with examples.
    assert.deepEqual(counts, {
      files: 9,
      modules: 6,
      tests: 1,
      tested: 2,
      checked: 3,
      exports: 5,
      documented: 2,
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("scanCode: an import through a mod.ts that only re-exports covers the modules whose names it takes", async () => {
  const root = await fixtureTree();
  try {
    // A test that imports ANSWER through mod.ts covers untested.ts.
    await Deno.writeTextFile(join(root, "lib/widgets/answer_test.ts"), 'import { ANSWER } from "./mod.ts";\nANSWER;\n');
    const { findings, counts } = await scanCode(root);
    assert.deepEqual(findings.filter((f) => f.kind === "untested"), []);
    assert.equal(counts.tested, 3);
    // Only the names taken count: importing spin through mod.ts says nothing of untested.ts.
    await Deno.writeTextFile(join(root, "lib/widgets/answer_test.ts"), 'import { spin } from "./mod.ts";\nspin;\n');
    assert.deepEqual((await scanCode(root)).findings.filter((f) => f.kind === "untested").map((f) => f.path), [
      "lib/widgets/untested.ts",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
