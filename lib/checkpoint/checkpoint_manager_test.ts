import assert from "node:assert/strict";
import { join } from "node:path";
import { CheckpointManager } from "./checkpoint_manager.ts";

function data(step: number) {
  return {
    weights: new Map([["w", { shape: [2, 2], data: new Float32Array([step, 1, 2, 3]) }]]),
    optimizer: new Map([["w.exp_avg", { shape: [2, 2], data: new Float32Array(4).fill(step / 10) }]]),
    state: { rng: { batches: [1, 2, 3, step] }, tokens_seen: step * 768 },
    configYaml: "seed: 1\n",
  };
}

Deno.test("CheckpointManager: save writes every file, checksums, and latest.json; load restores", async () => {
  const dir = await Deno.makeTempDir();
  const mgr = new CheckpointManager(dir);
  const info = await mgr.save(200, data(200));
  assert.equal(info.name, "step-000200");
  const files = [...Deno.readDirSync(info.path)].map((e) => e.name).sort();
  assert.deepEqual(files, [
    "checksums.json",
    "config.yaml",
    "optimizer.safetensors",
    "state.json",
    "weights.safetensors",
  ]);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "latest.json"))).name, "step-000200");
  assert.ok((await mgr.verify("step-000200")).ok);
  const back = await mgr.load("step-000200");
  assert.equal(back.step, 200);
  assert.deepEqual([...back.weights.get("w")!.data], [200, 1, 2, 3]);
  assert.deepEqual(back.state.rng, { batches: [1, 2, 3, 200] });
  // No temporary folders are left behind.
  assert.ok([...Deno.readDirSync(dir)].every((e) => !e.name.startsWith(".tmp")));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CheckpointManager: a flipped byte fails verification and loadLatest falls back, saying so", async () => {
  const dir = await Deno.makeTempDir();
  const mgr = new CheckpointManager(dir);
  await mgr.save(100, data(100));
  await mgr.save(200, data(200));
  const wpath = join(dir, "step-000200", "weights.safetensors");
  const bytes = await Deno.readFile(wpath);
  bytes[bytes.length - 3]! ^= 0x01;
  await Deno.writeFile(wpath, bytes);
  const v = await mgr.verify("step-000200");
  assert.equal(v.ok, false);
  assert.match(v.problems.join(), /step-000200\/weights.safetensors fails its sha256 check/);
  const warnings: string[] = [];
  const latest = await mgr.loadLatest((m) => warnings.push(m));
  assert.equal(latest?.step, 100);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /Skipping checkpoint step-000200/);
  await assert.rejects(() => mgr.load("step-000200"), /Cannot load checkpoint step-000200: .*sha256/);
  // A truncated file is caught by its size.
  await Deno.writeFile(wpath, bytes.subarray(0, 10));
  assert.match((await mgr.verify("step-000200")).problems.join(), /has 10 bytes/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CheckpointManager: keepLast prunes the oldest, and an empty folder loads nothing", async () => {
  const dir = await Deno.makeTempDir();
  const mgr = new CheckpointManager(join(dir, "ckpt"), { keepLast: 2 });
  assert.equal(await mgr.loadLatest(), null);
  for (const s of [1, 2, 3]) await mgr.save(s, data(s));
  assert.deepEqual((await mgr.list()).map((c) => c.step), [2, 3]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CheckpointManager: keepLast + keepBest keep the newest and the best by metric; best.json follows", async () => {
  const dir = await Deno.makeTempDir();
  const mgr = new CheckpointManager(dir, { keepLast: 1, keepBest: 1, metric: "val_loss", mode: "min" });
  const losses = [3.0, 1.5, 2.0, 2.5];
  for (const [i, v] of losses.entries()) {
    await mgr.save((i + 1) * 10, { ...data((i + 1) * 10), state: { val_loss: v } });
  }
  assert.deepEqual((await mgr.list()).map((c) => c.step), [20, 40], "best (20) and newest (40)");
  const best = JSON.parse(await Deno.readTextFile(join(dir, "best.json")));
  assert.deepEqual(best, { name: "step-000020", step: 20, metric: "val_loss", mode: "min", value: 1.5 });
  assert.equal((await mgr.loadBest())?.step, 20);
  const maxMgr = new CheckpointManager(dir, { metric: "val_loss", mode: "max" });
  assert.equal((await maxMgr.ranked())[0]?.step, 40);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CheckpointManager: a folder left by a crash mid-save is ignored, then cleared", async () => {
  const dir = await Deno.makeTempDir();
  const mgr = new CheckpointManager(dir);
  await mgr.save(1, data(1));
  await Deno.mkdir(join(dir, ".tmp-step-000002-deadbeef"));
  await Deno.writeTextFile(join(dir, ".tmp-step-000002-deadbeef", "weights.safetensors"), "partial");
  assert.deepEqual((await mgr.list()).map((c) => c.step), [1]);
  assert.equal((await mgr.loadLatest())?.step, 1);
  await mgr.save(3, data(3));
  assert.ok([...Deno.readDirSync(dir)].every((e) => !e.name.startsWith(".tmp")));
  await Deno.remove(dir, { recursive: true });
});
