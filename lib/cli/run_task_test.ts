import assert from "node:assert/strict";

const SCRIPT = new URL("./testdata/run_task_main.ts", import.meta.url).pathname;

async function run(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-read", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("runTask: exits with main's code, and turns an error into one stderr line and exit 1", async () => {
  const [zero, three, thrown, sync] = await Promise.all([run("code", "0"), run("code", "3"), run("throw"), run("bad")]);
  assert.deepEqual(zero, { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(three, { code: 3, stdout: "", stderr: "" });
  assert.deepEqual(thrown, { code: 1, stdout: "", stderr: "error: Cannot train: bad config\n" });
  assert.deepEqual(sync, { code: 1, stdout: "", stderr: "error: unknown mode bad\n" });
});
