// A script that imports mod.ts can use models at once: the default backend
// starts on import.
import assert from "node:assert/strict";
import { join } from "node:path";
import { root } from "./_task.ts";

Deno.test("mod.ts: a fresh script builds and runs a model without calling initBackend", async () => {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "script.ts");
  await Deno.writeTextFile(
    script,
    `import { createModel, tf } from "${join(root, "mod.ts")}";
const m = createModel("gpt-nano");
const l = m.logits(new Int32Array([1, 2, 3]), 1, 3);
console.log(JSON.stringify({ params: m.countParams(), shape: l.shape, backend: tf.getBackend() }));`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", join(root, "deno.json"), "--allow-read", "--allow-env", script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    params: 91968,
    shape: [3, 83],
    backend: "wasm",
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("backend=auto or native without --allow-ffi: one line says why, and the wasm path is used", async () => {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "script.ts");
  await Deno.writeTextFile(
    script,
    `import { initBackend } from "${join(root, "mod.ts")}";
console.log(JSON.stringify(await initBackend("auto")));
console.log(JSON.stringify(await initBackend("native")));`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", join(root, "deno.json"), "--allow-read", "--allow-env", script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const [auto, native] = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(auto.name, "wasm");
  assert.equal(auto.reason, "auto: no --allow-ffi permission to load ONNX Runtime; using the wasm path (slower)");
  assert.equal(native.name, "wasm");
  assert.match(native.reason, /^native: no --allow-ffi permission .*; using the wasm path/);
  await Deno.remove(dir, { recursive: true });
});
