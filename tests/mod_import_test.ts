// A script that imports mod.ts can use models at once: the default backend
// starts on import.
import assert from "node:assert/strict";
import { join } from "node:path";
import { root } from "./_task.ts";

/** Runs `source` as a script importing mod.ts, with read and env permissions only; returns its stdout lines. */
async function runScript(source: string): Promise<string[]> {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "script.ts");
  await Deno.writeTextFile(script, `import * as codex from "${join(root, "mod.ts")}";\n${source}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", join(root, "deno.json"), "--allow-read", "--allow-env", script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

Deno.test("mod.ts: a fresh script builds and runs a model without calling initBackend", async () => {
  const [line] = await runScript(`const m = codex.createModel("gpt-nano");
const l = m.logits(new Int32Array([1, 2, 3]), 1, 3);
console.log(JSON.stringify({ params: m.countParams(), shape: l.shape, backend: codex.tf.getBackend() }));`);
  assert.deepEqual(JSON.parse(line!), { params: 91968, shape: [3, 83], backend: "wasm" });
});

Deno.test("backend=auto or native without --allow-ffi: one line says why, and the wasm path is used", async () => {
  const [auto, native] = (await runScript(`console.log(JSON.stringify(await codex.initBackend("auto")));
console.log(JSON.stringify(await codex.initBackend("native")));`)).map((l) => JSON.parse(l));
  assert.equal(auto.name, "wasm");
  assert.equal(auto.reason, "auto: no --allow-ffi permission to load ONNX Runtime; using the wasm path (slower)");
  assert.equal(native.name, "wasm");
  assert.match(native.reason, /^native: no --allow-ffi permission .*; using the wasm path/);
});
