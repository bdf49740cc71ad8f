// `deno task notebooks` as CI runs it: every notebooks/*.ipynb executed headless with the Deno kernel,
// each with at least one image output and no error output. Outside CI (CI unset), a machine that cannot
// get Jupyter (not root, no apt-get) passes with a warning; in CI that is a failure with the reason.
import assert from "node:assert/strict";
import { taskCommand } from "./_task.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("notebooks: every notebook executes headless with charts and without errors", async () => {
  const out = await taskCommand("notebooks", []).output();
  const stdout = text(out.stdout), stderr = text(out.stderr);
  const ci = (Deno.env.get("CI") ?? "") !== "" && Deno.env.get("CI") !== "false";
  if (out.code !== 0 && !ci && /cannot be installed here/.test(stderr)) {
    console.warn(`notebooks not executed (set CI=true to make this fail): ${stderr.trim()}`);
    return;
  }
  assert.equal(out.code, 0, `${stdout}\n${stderr}`);
  const lines = stdout.split("\n").filter((l) => /^(ok|FAIL) /.test(l));
  assert.ok(lines.length >= 4, stdout);
  assert.ok(lines.every((l) => l.startsWith("ok ")), stdout);
  console.log(stdout.trim());
});
