import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRecord } from "./records.ts";
import { SystemSampler } from "./system_sampler.ts";

const MIB = 1024 * 1024;

// A stand-in nvidia-smi: prints `lines`, exits with `code`, and counts its calls in DIR/calls.
async function fakeNvidiaSmi(dir: string, lines: string[], code = 0): Promise<string> {
  const path = join(dir, "nvidia-smi");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\necho call >> "${join(dir, "calls")}"\nprintf '${lines.map((l) => l + "\\n").join("")}'\nexit ${code}\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

const calls = async (dir: string) => (await Deno.readTextFile(join(dir, "calls"))).trim().split("\n").length;

Deno.test("SystemSampler: GPU utilisation (mean) and memory (sum) from nvidia-smi, read in the background", async () => {
  const dir = await Deno.makeTempDir();
  const sampler = new SystemSampler("r1", { nvidiaSmi: await fakeNvidiaSmi(dir, ["40, 1024", "61, 3072"]) });
  await sampler.ready();
  const s = sampler.sample(3);
  assert.deepEqual(checkRecord("system", s), []);
  assert.equal(s.step, 3);
  assert.equal(s.gpu_util_percent, 50.5);
  assert.equal(s.gpu_mem_used_bytes, 4096 * MIB);
  await sampler.stop();
  assert.equal(await calls(dir), 2, "one query at construction, one after the sample");
  sampler.sample(4);
  assert.equal(await calls(dir), 2, "no query after stop()");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("SystemSampler: no GPU fields without nvidia-smi, after a failure, or for [N/A]", async () => {
  const missing = new SystemSampler("r1", { nvidiaSmi: "/nonexistent/nvidia-smi" });
  await missing.ready();
  const s = missing.sample(1);
  assert.deepEqual([s.gpu_util_percent, s.gpu_mem_used_bytes], [null, null]);
  assert.deepEqual(checkRecord("system", s), []);
  await missing.stop();

  const dir = await Deno.makeTempDir();
  const failing = new SystemSampler("r1", { nvidiaSmi: await fakeNvidiaSmi(dir, ["no devices"], 9) });
  await failing.ready();
  for (let i = 0; i < 3; i++) assert.equal(failing.sample(i).gpu_util_percent, null);
  await failing.stop();
  assert.equal(await calls(dir), 1, "a failing nvidia-smi is not run again");

  const na = new SystemSampler("r1", { nvidiaSmi: await fakeNvidiaSmi(dir, ["[N/A], 512"]) });
  await na.ready();
  const r = na.sample(1);
  assert.deepEqual([r.gpu_util_percent, r.gpu_mem_used_bytes], [null, 512 * MIB]);
  await na.stop();

  const off = new SystemSampler("r1", { nvidiaSmi: null });
  assert.equal(off.sample(1).gpu_mem_used_bytes, null);
  await Deno.remove(dir, { recursive: true });
});
