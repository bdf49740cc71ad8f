// `deno task train` as users run it: the task's own permissions from
// deno.json, overrides, --help, bad input and Ctrl-C.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readEventDir } from "../lib/telemetry/testdata/read_tfevents.ts";
import { root, taskCommand, testRunsDir, TINY_TRAIN } from "./_task.ts";

function command(args: string[]) {
  return taskCommand("train", args);
}

const tiny = [...TINY_TRAIN, "sample.max_new_tokens=30"];

Deno.test("train task: --help explains the options and exits 0", async () => {
  const { code, stdout } = await command(["--help"]).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0);
  for (
    const s of [
      "Usage: deno task train",
      "model=OPTION",
      "gpt-nano",
      "+key=value",
      "~key",
      "--multirun",
      "first-names",
      "Ctrl-C",
    ]
  ) {
    assert.ok(text.includes(s), `help mentions ${s}`);
  }
});

Deno.test("train task: a bad override exits 1 with one line naming the known values, and writes nothing", async () => {
  const dir = await testRunsDir();
  for (
    const [arg, msg] of [
      [
        "model=gpt-huge",
        /^error: .*unknown model "gpt-huge" \(available: bow-linear, char-lstm, gpt-micro, gpt-mini, gpt-nano, gpt2, minilm\)$/,
      ],
      ["data=wiki", /^error: .*unknown data "wiki" \(available: first-names, moby-dick, sotu, spam-assassin\)$/],
      [
        "data=notes/corpus.txt",
        /unknown data "notes\/corpus\.txt" \(available: .*; a local file goes in data\.name=notes\/corpus\.txt\)$/,
      ],
      [
        "train.max_stepz=5",
        /^error: .*unknown key "train.max_stepz" \(did you mean "train.max_steps"\?\); to append to your config use \+train.max_stepz=5$/,
      ],
      ["--bogus", /^error: Cannot parse arguments: /],
    ] as const
  ) {
    const { code, stderr } = await command([arg, `out_dir=${dir}`]).output();
    const lines = new TextDecoder().decode(stderr).trim().split("\n");
    assert.equal(code, 1, arg);
    assert.equal(lines.length, 1, `one line for ${arg}: ${lines.join(" | ")}`);
    assert.match(lines[0]!, msg);
  }
  assert.deepEqual([...Deno.readDirSync(join(root, dir))], []);
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("train task: overrides run a short job whose val loss lands in metrics.ndjson", async () => {
  const dir = await testRunsDir();
  const { code, stdout } = await command([
    ...tiny,
    "seed=3",
    "train.max_steps=20",
    "train.eval_interval=10",
    `out_dir=${dir}`,
  ])
    .output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, text);
  assert.match(text, /val loss +\d\.\d{4} nats\/char/);
  assert.match(
    text,
    /Look further:\n {2}deno task sql "SELECT step, value FROM metrics WHERE run_id = '[^']+' AND split = 'val'"/,
  );
  const runs = [...Deno.readDirSync(join(root, dir))].map((e) => e.name).sort();
  assert.equal(runs.length, 1);
  const metrics = (await Deno.readTextFile(join(root, dir, runs[0]!, "metrics.ndjson"))).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  const val = metrics.filter((m) => m.split === "val" && m.metric === "loss");
  assert.deepEqual(val.map((m) => m.step), [10, 20]);
  const cfg = await Deno.readTextFile(join(root, dir, runs[0]!, "config.yaml"));
  assert.match(cfg, /seed: 3/);
  assert.match(cfg, /name: gpt-nano/);
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("train task: Ctrl-C writes a final checkpoint and marks the run interrupted", async () => {
  const dir = await testRunsDir();
  const child = command([...tiny, "train.max_steps=100000", "train.log_interval=1", `out_dir=${dir}`]).spawn();
  // Wait until training has taken a few steps, then send SIGINT.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/step [3-9]\//.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGINT");
  while (!(await reader.read()).done) { /* drain */ }
  const { code } = await child.output().catch(() => child.status);
  assert.equal(code, 130);
  const [run] = [...Deno.readDirSync(join(root, dir))].map((e) => e.name);
  const info = JSON.parse(await Deno.readTextFile(join(root, dir, run!, "run.json")));
  assert.equal(info.status, "interrupted");
  const ckpts = [...Deno.readDirSync(join(root, dir, run!, "checkpoints"))].map((e) => e.name).filter((n) =>
    n.startsWith("step-")
  );
  assert.equal(ckpts.length, 1);
  const summary = JSON.parse(await Deno.readTextFile(join(root, dir, run!, "summary.json")));
  assert.equal(summary.status, "interrupted");
  assert.equal(`step-${String(summary.steps).padStart(6, "0")}`, ckpts[0]);
  await Deno.remove(join(root, dir), { recursive: true });
});

async function trainLosses(dir: string): Promise<Map<number, number>> {
  const text = await Deno.readTextFile(join(root, dir, "metrics.ndjson"));
  const out = new Map<number, number>();
  for (const l of text.split("\n")) {
    if (!l) continue;
    const r = JSON.parse(l);
    if (r.split === "train" && r.metric === "loss") {
      assert.ok(!out.has(r.step), `step ${r.step} appears once`);
      out.set(r.step, r.value);
    }
  }
  return out;
}

Deno.test("train task: kill -9 mid-run leaves only valid checkpoints, and resume= finishes with a straight run's losses", async () => {
  const dir = await testRunsDir();
  const args = [...tiny, "train.max_steps=120", "train.eval_interval=7", "train.keep_last=3", `out_dir=${dir}`];
  // The reference: the same run, never stopped.
  const straight = await command([...args, "name=straight"]).output();
  assert.equal(straight.code, 0);
  const [straightRun] = [...Deno.readDirSync(join(root, dir))].map((e) => e.name);
  const child = command([...args, "name=killed", "train.log_interval=1"]).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while ((seen.match(/eval @ step/g) ?? []).length < 3) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  // Kill at an arbitrary moment, possibly in the middle of writing a checkpoint.
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
  child.kill("SIGKILL");
  reader.releaseLock();
  await child.stderr.cancel().catch(() => {});
  await child.stdout.cancel().catch(() => {});
  assert.notEqual((await child.status).code, 0);
  const killedRun = [...Deno.readDirSync(join(root, dir))].map((e) => e.name).find((n) => n !== straightRun)!;
  const ckptDir = join(root, dir, killedRun, "checkpoints");
  const complete = [...Deno.readDirSync(ckptDir)].map((e) => e.name).filter((n) => n.startsWith("step-"));
  assert.ok(complete.length > 0);
  for (const name of complete) {
    const sums = JSON.parse(await Deno.readTextFile(join(ckptDir, name, "checksums.json")));
    for (const [file, want] of Object.entries(sums.files) as [string, { size: number }][]) {
      assert.equal((await Deno.stat(join(ckptDir, name, file))).size, want.size, `${name}/${file} is complete`);
    }
  }
  const resumed = await command([`resume=${killedRun}`, `out_dir=${dir}`]).output();
  const text = new TextDecoder().decode(resumed.stdout);
  assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
  assert.match(text, new RegExp(`Run ${killedRun} finished after 120 steps`));
  const a = await trainLosses(join(dir, straightRun!)), b = await trainLosses(join(dir, killedRun));
  assert.equal(b.size, 120);
  for (let s = 1; s <= 120; s++) assert.equal(b.get(s), a.get(s), `train loss at step ${s}`);
  const info = JSON.parse(await Deno.readTextFile(join(root, dir, killedRun, "run.json")));
  assert.equal(info.status, "finished");
  // The event file, rebuilt at resume and continued: whole records only, each step's loss once, as metrics.ndjson.
  const tb = await readEventDir(join(root, dir, killedRun, "tb"));
  const tbLosses = tb.events.flatMap((e) => e.kind === "scalar" && e.tag === "train/loss" ? [[e.step, e.value]] : []);
  assert.deepEqual(tbLosses, [...b].sort((x, y) => x[0] - y[0]).map(([s, v]) => [s, Math.fround(v)]));
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("train task: resume= of a run that does not exist lists the runs that do", async () => {
  const dir = await testRunsDir();
  const { code, stderr } = await command(["resume=nope", `out_dir=${dir}`]).output();
  assert.equal(code, 1);
  assert.match(new TextDecoder().decode(stderr).trim(), /^error: Cannot find run "nope" in .* \(there are no runs\)$/);
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("train task: --cfg prints the composed config as YAML; -m runs a sweep whose failed trial does not stop the others", async () => {
  const cfg = await command(["--cfg", "model=gpt-nano", "+train.tags=[a,b]", "~eval.bootstrap"]).output();
  const yaml = new TextDecoder().decode(cfg.stdout);
  assert.equal(cfg.code, 0);
  assert.match(yaml, /^seed: 1337$/m);
  assert.match(yaml, /^ {2}name: gpt-nano$/m);
  assert.match(yaml, /^ {2}tags:\n {4}- a\n {4}- b$/m);
  assert.doesNotMatch(yaml, /bootstrap/);
  const dir = await testRunsDir();
  const sweep = await command([
    "-m",
    ...tiny,
    "train.max_steps=6",
    "train.eval_interval=6",
    "train.optimizer=sgd",
    "train.grad_clip=0",
    "train.schedule=constant",
    "train.warmup_steps=0",
    "train.lr=1e-2,1e6",
    `out_dir=${dir}`,
  ]).output();
  const text = new TextDecoder().decode(sweep.stdout);
  assert.equal(sweep.code, 1, text);
  assert.match(text, /^0 +train\.lr=1e-2 +finished +\d\.\d{4}/m);
  assert.match(text, /^1 +train\.lr=1e6 +failed \(exit 1, see trial-1\.log\)/m);
  assert.match(text, /1 of 2 trials finished/);
  const runs = [...Deno.readDirSync(join(root, dir))].map((e) => e.name);
  const infos = runs.map((r) => JSON.parse(Deno.readTextFileSync(join(root, dir, r, "run.json"))));
  assert.equal(infos.length, 2);
  assert.equal(new Set(infos.map((i) => i.sweep_id)).size, 1, "one sweep id groups the trials");
  assert.match(infos[0]!.sweep_id, /^sweep-\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.deepEqual(infos.map((i) => i.status).sort(), ["failed", "finished"]);
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("train task: with MLFLOW_TRACKING_URI set, it names the trackers at start and mirrors the run to MLflow", async () => {
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", "lib/telemetry/testdata/fake_mlflow_server.ts"],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) text += (await reader.read()).value ?? "";
  const uri = `http://127.0.0.1:${JSON.parse(text.split("\n")[0]!).port}`;
  const dir = await testRunsDir();
  const { code, stdout, stderr } = await taskCommand("train", [...tiny, "train.max_steps=4", `out_dir=${dir}`], {
    MLFLOW_TRACKING_URI: uri,
  }).output();
  await server.stdin.close();
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
  await server.status;
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, out);
  const runId = [...Deno.readDirSync(join(root, dir))][0]!.name;
  assert.ok(
    new TextDecoder().decode(stderr).includes(`trackers ndjson, tensorboard ${join(dir, runId, "tb")}, mlflow ${uri}`),
  );
  assert.match(out, /mlflow {6}http:\/\/127\.0\.0\.1:\d+\/#\/experiments\/\w+\/runs\/\w+/);
  const paths = (JSON.parse(text.split("\n")[1]!) as { path: string }[]).map((r) => r.path);
  for (const p of ["runs/create", "runs/log-batch", "runs/update"]) assert.ok(paths.includes(p), `${p} in ${paths}`);
});

Deno.test("train task: -m hydra/sweeper=random draws n trials from a seed; sweep.early_stop=median prunes the losing trial", async () => {
  const { randomTrials } = await import("../lib/cli/sweep.ts");
  const swept = ["train.lr=choice(1e-2,1e-7)", "train.weight_decay=interval(0,0.1)"];
  // A seed whose draws put the good learning rate first, so the second trial has someone to lose to.
  const seed = [...Array(50).keys()].find((s) => {
    const t = randomTrials(swept, { n: 2, seed: s });
    return t[0]![0] === "train.lr=1e-2" && t[1]![0] === "train.lr=1e-7";
  })!;
  const dir = await testRunsDir();
  const sweep = await command([
    "-m",
    "--concurrency",
    "1",
    "hydra/sweeper=random",
    "sweep.n=2",
    `sweep.seed=${seed}`,
    "sweep.early_stop=median",
    ...tiny,
    "train.max_steps=6",
    "train.eval_interval=2",
    "train.schedule=constant",
    "train.warmup_steps=0",
    ...swept,
    `out_dir=${dir}`,
  ]).output();
  const text = new TextDecoder().decode(sweep.stdout);
  assert.equal(sweep.code, 0, text + new TextDecoder().decode(sweep.stderr));
  assert.match(text, /2 trials \(random sweeper, seed \d+, median early stopping\)/);
  assert.match(text, /^0 +train\.lr=1e-2 train\.weight_decay=0\.\d+ +finished/m);
  assert.match(text, /^1 +train\.lr=1e-7 train\.weight_decay=0\.\d+ +pruned/m);
  assert.match(text, /1 of 2 trials finished, 1 pruned/);
  const runs = [...Deno.readDirSync(join(root, dir))].map((e) => join(root, dir, e.name));
  const infos = runs.map((r) => ({ dir: r, ...JSON.parse(Deno.readTextFileSync(join(r, "run.json"))) }));
  const pruned = infos.find((i) => i.status === "pruned")!;
  assert.ok(pruned, "the losing trial is pruned in run.json");
  const events = Deno.readTextFileSync(join(pruned.dir, "events.ndjson")).trim().split("\n").map((l) => JSON.parse(l));
  const e = events.find((x) => x.kind === "pruned");
  assert.match(
    e.message,
    /median stopping rule: best val loss \d\.\d{4} at step 2 is worse than the median \d\.\d{4} of 1 other trial/,
  );
  assert.equal(e.step, 2);
  const summary = JSON.parse(Deno.readTextFileSync(join(pruned.dir, "summary.json")));
  assert.deepEqual([summary.status, summary.stop_reason, summary.steps], ["pruned", "pruned", 2]);
  await Deno.remove(join(root, dir), { recursive: true });
});
