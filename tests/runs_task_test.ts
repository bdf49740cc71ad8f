// `deno task runs export --format tensorboard` as users run it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { Run } from "../lib/telemetry/mod.ts";
import { readEventDir } from "../lib/telemetry/testdata/read_tfevents.ts";
import { root, taskCommand, testRunsDir } from "./_task.ts";

async function demoRun(outDir: string, end: boolean): Promise<Run> {
  const run = await Run.create({
    outDir,
    name: "demo",
    configHash: "0123456789abcdef",
    configYaml: "seed: 1\n",
    seed: 1,
    backend: "cpu",
    versions: { deno: Deno.version.deno },
  });
  for (let step = 1; step <= 3; step++) {
    run.metric({ step, epoch: 0, tokens_seen: 8 * step, split: "train", metric: "loss", value: 3 / step });
  }
  if (end) await run.end("finished");
  else run.flush();
  return run;
}

Deno.test("runs task: export --format tensorboard writes each ended run's tb/, or DIR/<run_id>/ with --out", async () => {
  const store = await testRunsDir();
  const runsDir = join(root, store, "runs");
  const ended = await demoRun(runsDir, true), running = await demoRun(runsDir, false);
  const decode = new TextDecoder();
  try {
    // No run named: every run that has ended.
    const all = await taskCommand("runs", ["export", "--format", "tensorboard", "--store", store]).output();
    assert.equal(all.code, 0, decode.decode(all.stderr));
    const out = decode.decode(all.stdout);
    assert.match(out, new RegExp(`${ended.id} -> .*/tb/events\\.out\\.tfevents\\.\\d+\\.\\S+: 3 scalars, 1 texts`));
    assert.ok(!out.includes(running.id), out);
    const { events } = await readEventDir(join(ended.dir, "tb"));
    assert.deepEqual(
      events.flatMap((e) => e.kind === "scalar" ? [[e.tag, e.step, e.value]] : []),
      [["train/loss", 1, 3], ["train/loss", 2, 1.5], ["train/loss", 3, 1]],
    );

    // run=ID into --out; the running run's own tb/ is refused.
    const other = join(store, "tb-out");
    const one = await taskCommand("runs", [
      "export",
      "--format",
      "tensorboard",
      "--store",
      store,
      `run=${ended.id}`,
      "--out",
      other,
    ])
      .output();
    assert.equal(one.code, 0, decode.decode(one.stderr));
    assert.equal((await readEventDir(join(root, other, ended.id))).events.length, 5);
    const refused = await taskCommand("runs", ["export", "--format", "tensorboard", "--store", store, running.id])
      .output();
    assert.equal(refused.code, 1);
    assert.match(decode.decode(refused.stderr), /it is still running and writes .*tb itself/);
    const bad = await taskCommand("runs", ["export", "--format", "wandb", ended.id, "--store", store]).output();
    assert.match(decode.decode(bad.stderr), /unknown --format "wandb" \(known: mlflow, tensorboard\)/);
  } finally {
    await running.end("finished");
    await Deno.remove(join(root, store), { recursive: true });
  }
});
