// `deno task runs` as users run it, with the task's own permissions, on a copy
// of the query layer's fixture store (tests/sql_task_test.ts has more cases).
import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = join(ROOT, "lib/query/testdata/store");
const FAKE_MLFLOW = join(ROOT, "lib/telemetry/testdata/fake_mlflow_server.ts");
const RUNS_ARGS = (JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks.runs as string).split(/\s+/)
  .slice(1);
const A = "20260101-000000-aaaa", B = "20260101-000100-bbbb", C = "20260101-000200-cccc";
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function runs(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const proc = new Deno.Command(Deno.execPath(), {
    args: [...RUNS_ARGS, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = proc.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await proc.output();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function copyFixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codex-runs-" });
  await cp(FIXTURE, dir, { recursive: true });
  // A run.json cut short: the runs view skips it, doctor names it.
  await Deno.writeTextFile(join(dir, "runs", C, "run.json"), `{\n  "run_id": "${C}`);
  return dir;
}

Deno.test("runs task: list, show, compare and doctor", async () => {
  const store = await copyFixture();
  const list = await runs(["list", "--store", store]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`\\n${A} +names-gpt +finished +2026-01-01 00:00 +4 +2\\.7\\n`));
  assert.match(list.stdout, new RegExp(`\\n${B} +names-gpt +interrupted +2026-01-01 00:01 +4\\n`));
  assert.match(list.stdout, /\(2 runs in .*\/runs\)\n$/);

  const show = await runs(["show", A, "--store", store]);
  assert.match(show.stdout, /^field +value\n/);
  assert.match(show.stdout, /\ncheckpoints\nname +step +val_loss +is_latest +is_best +size_bytes\n[- ]+\n/);
  assert.match(show.stdout, /step-000004 +4 +3\.3 +true +false +1101\n/);
  assert.match(show.stdout, /\nval +loss +2\.7 +4 +2\.7 +3\.1 +2\n/);
  assert.match(show.stdout, /\nfirst-names +val +cross_entropy +2\.7 +2\.6 +2\.8 +40 +4\n/);

  const cmp = await runs(["compare", B, A, "--store", store, "--split", "train"]);
  assert.match(cmp.stdout, new RegExp(`${B} +2\\.2 +4\\n${A} +2\\.4 +4\\n?$`));

  const doctor = await runs(["doctor", "--store", store]);
  assert.equal(doctor.code, 0);
  assert.equal(
    doctor.stdout.replaceAll(store + "/", ""),
    [
      `runs/${A}/metrics.ndjson: 2 line(s) skipped by queries (malformed or torn at the end) of 9`,
      `runs/${B}/metrics.ndjson: 1 line(s) skipped by queries (malformed: not JSON, or a required field missing) of 6`,
      `runs/${C}/run.json: skipped by queries (not a JSON object, or a required field missing or mistyped)`,
      "status/findings.ndjson: 1 line(s) skipped by queries (malformed: not JSON, or a required field missing) of 3",
      "5 line(s) or file(s) skipped in 4 of 18 files checked.",
      "",
    ].join("\n"),
  );
  await Deno.remove(store, { recursive: true });
});

Deno.test("runs task: rm asks and takes the answer from stdin", async () => {
  const store = await copyFixture();
  const no = await runs(["rm", A, "--store", store], { stdin: "n\n" });
  assert.equal(no.code, 1);
  assert.equal(no.stdout, `Delete 1 run(s) with their checkpoints: ${A}? [y/N] Nothing deleted.\n`);
  const yes = await runs(["rm", A, B, "--store", store], { stdin: "yes\n" });
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, /Deleted 2 run\(s\)\.\n$/);
  assert.deepEqual([...Deno.readDirSync(join(store, "runs"))].map((e) => e.name), [C]);
  const unknown = await runs(["rm", "nope", "--yes", "--store", store]);
  assert.match(unknown.stderr, /^error: Cannot find run "nope" in /);
  await Deno.remove(store, { recursive: true });
});

Deno.test("runs task: export sends a run to MLflow when MLFLOW_TRACKING_URI is set", async () => {
  const store = await copyFixture();
  const unset = await runs(["export", A, "--store", store]);
  assert.equal(unset.code, 1);
  assert.match(unset.stderr, /Cannot export: set MLFLOW_TRACKING_URI/);

  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", FAKE_MLFLOW],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) out += (await reader.read()).value ?? "";
  const uri = `http://127.0.0.1:${JSON.parse(out.split("\n")[0]!).port}`;
  const exported = await runs(["export", A, "--store", store], { env: { MLFLOW_TRACKING_URI: uri } });
  await server.stdin.close();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value;
  await server.status;
  assert.equal(exported.code, 0, exported.stderr);
  // A has no config.yaml; 7 metric values (2 bad lines left out), 4 + 6 system values, 2 evals;
  // run.json and samples.ndjson as files.
  assert.equal(
    exported.stdout,
    `${A} -> MLflow run mlrun1 (experiment 0): 0 params, ${7 + 10 + 2} metric values, 2 files; ` +
      `2 bad line(s) left out\n  ${uri}/#/experiments/0/runs/mlrun1\n`,
  );
  const requests = JSON.parse(out.split("\n")[1]!) as { path: string; body: { run_name?: string } }[];
  assert.equal(requests[0]!.body.run_name, A);
  assert.deepEqual(requests.map((r) => r.path).slice(-2), ["runs/set-tag", "runs/update"]);
  await Deno.remove(store, { recursive: true });
});
