import assert from "node:assert/strict";
import { join } from "node:path";
import { findRunDir, listRunIds, newRunId, Run } from "./run_store.ts";
import { SCHEMA_VERSION } from "./records.ts";

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
async function makeRun(outDir: string, id: string): Promise<void> {
  await Deno.mkdir(join(outDir, id), { recursive: true });
  await Deno.writeTextFile(join(outDir, id, "run.json"), "{}");
}

Deno.test("newRunId: UTC yyyymmdd-hhmmss plus 4 random hex digits, sortable by time", () => {
  const id = newRunId(new Date(Date.UTC(2026, 10, 23, 20, 15, 0)));
  assert.match(id, /^20261123-201500-[0-9a-f]{4}$/);
  assert.match(newRunId(new Date(Date.UTC(2027, 0, 2, 3, 4, 5))), /^20270102-030405-[0-9a-f]{4}$/);
  assert.match(newRunId(), /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  const times = [
    Date.UTC(2025, 11, 31, 23, 59, 59),
    Date.UTC(2026, 0, 1),
    Date.UTC(2026, 0, 1, 9),
    Date.UTC(2026, 9, 1),
  ];
  const ids = times.map((t) => newRunId(new Date(t)));
  assert.deepEqual([...ids].reverse().sort(), ids);
  const many = new Set(Array.from({ length: 50 }, () => newRunId(new Date(0)).slice(-4)));
  assert.ok(many.size > 1, "the suffix is random");
});

Deno.test("listRunIds: folders holding run.json, sorted; other folders and files ignored; a missing outDir is empty", async () => {
  await withDir(async (dir) => {
    await makeRun(dir, "20260102-000000-bbbb");
    await makeRun(dir, "20260101-000000-aaaa");
    await Deno.mkdir(join(dir, "not-a-run"));
    await Deno.mkdir(join(dir, "sweeps", "20260103-000000-cccc"), { recursive: true });
    await Deno.writeTextFile(join(dir, "sweeps", "20260103-000000-cccc", "run.json"), "{}");
    await Deno.writeTextFile(join(dir, "run.json"), "{}");
    await Deno.writeTextFile(join(dir, "20260104-000000-dddd"), "a file, not a folder");
    assert.deepEqual(await listRunIds(dir), ["20260101-000000-aaaa", "20260102-000000-bbbb"]);
    assert.deepEqual(await listRunIds(join(dir, "missing")), []);
  });
});

Deno.test("findRunDir: by id under outDir, or by a path to a run folder", async () => {
  await withDir(async (dir) => {
    await makeRun(dir, "20260101-000000-aaaa");
    assert.equal(await findRunDir(dir, "20260101-000000-aaaa"), join(dir, "20260101-000000-aaaa"));
    const path = join(dir, "20260101-000000-aaaa");
    assert.equal(await findRunDir("/nowhere", path), path);
  });
});

Deno.test("findRunDir: an unknown id is a RangeError listing up to 10 runs, newest first, and how many older", async () => {
  await withDir(async (dir) => {
    await assert.rejects(
      findRunDir(dir, "nope"),
      (err: unknown) => {
        assert.ok(err instanceof RangeError);
        assert.equal(err.message, `Cannot find run "nope" in ${dir} (there are no runs)`);
        return true;
      },
    );
    await makeRun(dir, "20260101-000000-aaaa");
    await makeRun(dir, "20260102-000000-bbbb");
    await Deno.mkdir(join(dir, "nope"));
    await assert.rejects(
      findRunDir(dir, "nope"),
      new RangeError(`Cannot find run "nope" in ${dir} (runs: 20260102-000000-bbbb, 20260101-000000-aaaa)`),
    );
    for (let d = 3; d <= 12; d++) await makeRun(dir, `202601${String(d).padStart(2, "0")}-000000-0000`);
    const shown = Array.from({ length: 10 }, (_, i) => `202601${String(12 - i).padStart(2, "0")}-000000-0000`);
    await assert.rejects(
      findRunDir(dir, "nope"),
      new RangeError(`Cannot find run "nope" in ${dir} (runs: ${shown.join(", ")}, and 2 older)`),
    );
  });
});

Deno.test("Run: create writes run.json (running) and config.yaml; end records the status", async () => {
  await withDir(async (dir) => {
    const outDir = join(dir, "runs");
    const run = await Run.create({
      outDir,
      name: "t",
      configHash: "abc",
      configYaml: "seed: 1\n",
      seed: 1,
      backend: "cpu",
      versions: { deno: "x" },
    });
    assert.match(run.id, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
    assert.equal(run.dir, join(outDir, run.id));
    assert.deepEqual(await listRunIds(outDir), [run.id]);
    assert.equal(await Deno.readTextFile(join(run.dir, "config.yaml")), "seed: 1\n");
    const info = JSON.parse(await Deno.readTextFile(join(run.dir, "run.json")));
    assert.equal(info.schema_version, SCHEMA_VERSION);
    assert.equal(info.status, "running");
    assert.equal(info.ended_at, null);
    assert.equal(info.parent, null);
    assert.equal(info.sweep_id, null);
    await run.end("failed", "boom");
    const ended = JSON.parse(await Deno.readTextFile(join(run.dir, "run.json")));
    assert.equal(ended.status, "failed");
    assert.equal(ended.error, "boom");
    assert.equal(typeof ended.ended_at, "string");
    assert.deepEqual(run.info, ended);
  });
});
