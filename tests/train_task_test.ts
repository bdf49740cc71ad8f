// `deno task train` as users run it: the task's own permissions from
// deno.json, overrides, --help, bad input and Ctrl-C.
import assert from "node:assert/strict";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const deno = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
const taskArgs = (deno.tasks.train as string).split(/\s+/).slice(1); // drop "deno"

function command(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: [...taskArgs, ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

async function outDir(): Promise<string> {
  // Inside artifacts/, the only place the task may write.
  const dir = join("artifacts", "test-runs", crypto.randomUUID().slice(0, 8));
  await Deno.mkdir(join(root, dir), { recursive: true });
  return dir;
}

const tiny = [
  "model=gpt-nano",
  "data=first-names",
  "model.block_size=32",
  "train.batch_size=8",
  "train.eval_batches=2",
  "sample.max_new_tokens=30",
];

Deno.test("train task: --help explains the options and exits 0", async () => {
  const { code, stdout } = await command(["--help"]).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0);
  for (const s of ["Usage: deno task train", "model=NAME", "gpt-nano", "train.max_steps", "first-names", "Ctrl-C"]) {
    assert.ok(text.includes(s), `help mentions ${s}`);
  }
});

Deno.test("train task: a bad override exits 1 with one line naming the known values, and writes nothing", async () => {
  const dir = await outDir();
  for (
    const [arg, msg] of [
      ["model=gpt-huge", /^error: .*unknown model "gpt-huge" \(known: gpt-micro, gpt-mini, gpt-nano\)$/],
      ["data=wiki", /^error: .*unknown data "wiki" \(known: first-names, moby-dick\)$/],
      ["train.max_stepz=5", /^error: .*unknown key "train.max_stepz" \(did you mean "train.max_steps"\?\)$/],
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
  const dir = await outDir();
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
  assert.match(text, /Look further:\n  cat .*summary.json/);
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
  const dir = await outDir();
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
