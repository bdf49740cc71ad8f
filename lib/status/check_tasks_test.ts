import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureTree } from "./_testing.ts";
import { checkTasks } from "./check_tasks.ts";

Deno.test("checkTasks: runs --help of deno run tasks, lists the others unchecked, reports failures", async () => {
  const root = await fixtureTree();
  try {
    await Deno.writeTextFile(
      join(root, "deno.json"),
      JSON.stringify({
        tasks: {
          hello: "deno run --no-prompt tasks/hello.ts",
          bad: "deno run --no-prompt tasks/bad.ts",
          test: "deno test --allow-read",
          chain: "deno run tasks/hello.ts && deno run tasks/bad.ts",
        },
      }),
    );
    const { tasks, findings } = await checkTasks(root);
    assert.deepEqual(tasks.map((t) => [t.name, t.checked, t.ok, t.exit_code, t.usage, t.note]), [
      ["bad", true, false, 2, false, "exits 2: error: no help here"],
      ["chain", false, null, null, null, "not checked: runs deno run, not a codex script"],
      ["hello", true, true, 0, true, ""],
      ["test", false, null, null, null, "not checked: runs deno test, not a codex script"],
    ]);
    assert.deepEqual(findings, [{
      kind: "task",
      rule: "help_failed",
      severity: "error",
      path: "deno.json",
      symbol: "bad",
      message: "deno task bad --help fails: exits 2: error: no help here",
    }]);
    const some = await checkTasks(root, { only: ["hello"] });
    assert.deepEqual(some.tasks.filter((t) => t.checked).map((t) => t.name), ["hello"]);
    assert.equal(some.tasks.find((t) => t.name === "bad")?.note, "not checked: not selected");
    // A name that is not a task is an error, not a silent "not checked".
    await assert.rejects(
      () => checkTasks(root, { only: ["hello", "nosuch"] }),
      (err: Error) =>
        err instanceof RangeError &&
        err.message ===
          `Cannot check tasks: no task "nosuch" in ${join(root, "deno.json")} (the tasks: bad, chain, hello, test)`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
