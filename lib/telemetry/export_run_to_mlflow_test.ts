// The exporter against a fake MLflow server on 127.0.0.1. The test runner has
// no network permission, so the server and the export each run in a child
// process that may use 127.0.0.1.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mlflowOptionsFromEnv } from "./export_run_to_mlflow.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER = fileURLToPath(new URL("./testdata/fake_mlflow_server.ts", import.meta.url));
const EXPORT = fileURLToPath(new URL("./testdata/export_run.ts", import.meta.url));
const RUN_ID = "20260101-000000-abcd";

interface Req {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | null;
  // deno-lint-ignore no-explicit-any
  body: any;
}

async function startServer(args: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", SERVER, ...args],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the fake server did not start");
    text += value;
  }
  return {
    url: `http://127.0.0.1:${JSON.parse(text.split("\n")[0]!).port}`,
    async requests(): Promise<Req[]> {
      await child.stdin.close();
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
      await child.status;
      return JSON.parse(text.split("\n")[1]!);
    },
  };
}

async function exportRun(dir: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", EXPORT, dir],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

// A run folder: 120 config keys (two batches of params), 2,000 metric values
// (one NaN), two system samples (one with GPU fields), an eval result and a summary.
async function makeRun(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codex-mlflow-" });
  const info = {
    schema_version: 1,
    run_id: RUN_ID,
    name: "names-gpt",
    status: "interrupted",
    created_at: "2026-01-01T00:00:00.000Z",
    ended_at: "2026-01-01T00:10:00.000Z",
    config_hash: "abcd",
    seed: 7,
    backend: "wasm",
    versions: { deno: "2.9.6", codex: "0.1.0" },
    parent: null,
    sweep_id: null,
    error: null,
  };
  await Deno.writeTextFile(join(dir, "run.json"), JSON.stringify(info, null, 2));
  const extra = Array.from({ length: 117 }, (_, i) => `  k${i}: ${i}`).join("\n");
  await Deno.writeTextFile(
    join(dir, "config.yaml"),
    `seed: 7\nmodel:\n  name: gpt-nano\n  n_layer: 3\nextra:\n${extra}\n`,
  );
  const ts = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
  const metrics = Array.from({ length: 1000 }, (_, i) => i + 1).flatMap((step) =>
    [
      { split: "train", metric: "loss", value: step === 1000 ? null : 4 - step / 1000 },
      { split: "train", metric: "lr", value: 0.001 },
    ].map((m) => ({ schema_version: 1, run_id: RUN_ID, step, epoch: 0, ...m, ts: ts(step), tokens_seen: step }))
  );
  // A line that is not JSON and a torn last line, as a killed writer leaves.
  await Deno.writeTextFile(
    join(dir, "metrics.ndjson"),
    metrics.map((m) => JSON.stringify(m) + "\n").join("") + 'not json\n{"schema_version":1,"run_id":"' + RUN_ID,
  );
  const sys = { schema_version: 1, run_id: RUN_ID, cpu_percent: 150, rss_bytes: 1e8, heap_used_bytes: 1e7 };
  await Deno.writeTextFile(
    join(dir, "system.ndjson"),
    JSON.stringify({ ...sys, ts: ts(2), step: 2, load_avg_1m: 1, gpu_util_percent: null, gpu_mem_used_bytes: null }) +
      "\n" +
      JSON.stringify({ ...sys, ts: ts(4), step: 4, load_avg_1m: 1, gpu_util_percent: 50, gpu_mem_used_bytes: 2 }) +
      "\n",
  );
  await Deno.mkdir(join(dir, "eval"));
  await Deno.writeTextFile(
    join(dir, "eval", "metrics.ndjson"),
    JSON.stringify({
      schema_version: 1,
      run_id: RUN_ID,
      dataset: "first-names",
      split: "val",
      metric: "perplexity",
      value: 9.5,
      n: 10,
      ci_low: null,
      ci_high: null,
      step: 1000,
      ts: ts(1001),
    }) + "\n",
  );
  await Deno.writeTextFile(join(dir, "summary.json"), JSON.stringify({ steps: 1000, stop_reason: "interrupted" }));
  return dir;
}

Deno.test("exportRunToMlflow: experiment, run, params and metrics in batches, artifacts, tags, status", async () => {
  const dir = await makeRun();
  const server = await startServer(["--flaky", "runs/log-batch"]);
  const out = await exportRun(dir, {
    MLFLOW_TRACKING_URI: server.url + "/",
    MLFLOW_EXPERIMENT_NAME: "codex tests",
    MLFLOW_TRACKING_TOKEN: "t0k",
  });
  const requests = await server.requests();
  assert.equal(out.code, 0, out.stderr);
  const result = JSON.parse(out.stdout);
  assert.deepEqual(result, {
    runId: "mlrun1",
    experimentId: "7",
    params: 120,
    metrics: 2000 + 2 * 4 + 2 + 1 + 1,
    skippedLines: 2,
    artifacts: ["run.json", "config.yaml", "summary.json"],
    artifactsSkipped: null,
    url: `${server.url}/#/experiments/7/runs/mlrun1`,
  });
  assert.ok(requests.every((r) => r.auth === "Bearer t0k"));
  assert.deepEqual(requests.slice(0, 3).map((r) => [r.method, r.path]), [
    ["GET", "experiments/get-by-name"],
    ["POST", "experiments/create"],
    ["POST", "runs/create"],
  ]);
  assert.deepEqual(requests[0]!.query, { experiment_name: "codex tests" });
  const create = requests[2]!.body;
  assert.equal(create.experiment_id, "7");
  assert.equal(create.run_name, RUN_ID);
  assert.equal(create.start_time, Date.UTC(2026, 0, 1));
  assert.deepEqual(create.tags.find((t: { key: string }) => t.key === "codex.run_id"), {
    key: "codex.run_id",
    value: RUN_ID,
  });

  // The first log-batch was answered 503 and sent again.
  const batches = requests.filter((r) => r.path === "runs/log-batch").map((r) => r.body);
  assert.deepEqual(batches[0], batches[1]);
  const sent = batches.slice(1);
  for (const b of sent) {
    assert.equal(b.run_id, "mlrun1");
    assert.ok(b.params.length <= 100 && b.params.length + b.metrics.length <= 1000);
  }
  const params = sent.flatMap((b) => b.params);
  assert.equal(params.length, 120);
  assert.deepEqual(params.slice(0, 3), [
    { key: "seed", value: "7" },
    { key: "model.name", value: "gpt-nano" },
    { key: "model.n_layer", value: "3" },
  ]);
  const metrics = sent.flatMap((b) => b.metrics);
  assert.equal(metrics.length, result.metrics);
  const loss = metrics.filter((m: { key: string }) => m.key === "train/loss");
  assert.equal(loss.length, 1000);
  assert.deepEqual(loss[0], { key: "train/loss", value: 3.999, timestamp: Date.UTC(2026, 0, 1) + 1000, step: 1 });
  assert.equal(loss[999].value, "NaN");
  const keys = new Set(metrics.map((m: { key: string }) => m.key));
  for (
    const k of ["system/cpu_percent", "system/gpu_util_percent", "eval/first-names/val/perplexity", "summary/steps"]
  ) {
    assert.ok(keys.has(k), k);
  }
  assert.equal(metrics.filter((m: { key: string }) => m.key === "system/gpu_util_percent").length, 1);

  const puts = requests.filter((r) => r.method === "PUT");
  assert.deepEqual(puts.map((r) => r.path), [
    "mlflow-artifacts/artifacts/7/mlrun1/artifacts/run.json",
    "mlflow-artifacts/artifacts/7/mlrun1/artifacts/config.yaml",
    "mlflow-artifacts/artifacts/7/mlrun1/artifacts/summary.json",
  ]);
  assert.equal(puts[0]!.body.bytes, (await Deno.stat(join(dir, "run.json"))).size);
  const tail = requests.slice(-3);
  assert.deepEqual(tail.map((r) => [r.path, r.body]), [
    ["runs/set-tag", { run_id: "mlrun1", key: "codex.status", value: "interrupted" }],
    ["runs/set-tag", { run_id: "mlrun1", key: "codex.stop_reason", value: "interrupted" }],
    ["runs/update", { run_id: "mlrun1", status: "KILLED", end_time: Date.UTC(2026, 0, 1, 0, 10) }],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("exportRunToMlflow: a server error stops the export with MLflow's message; no proxy, no artifacts", async () => {
  const dir = await makeRun();
  const failing = await startServer(["--fail", "runs/log-batch=500"]);
  const out = await exportRun(dir, { MLFLOW_TRACKING_URI: failing.url });
  const requests = await failing.requests();
  assert.equal(out.code, 1);
  assert.equal(
    out.stderr.trim(),
    "Cannot export run to MLflow: POST mlflow/runs/log-batch answered 500 (INTERNAL_ERROR: boom)",
  );
  assert.deepEqual(requests.map((r) => r.path), ["runs/create", "runs/log-batch"]);
  assert.equal(requests[0]!.body.experiment_id, "0");

  const s3 = await startServer(["--artifact-uri", "s3://bucket/0/mlrun1/artifacts"]);
  const ok = await exportRun(dir, {
    MLFLOW_TRACKING_URI: s3.url,
    MLFLOW_TRACKING_USERNAME: "ann",
    MLFLOW_TRACKING_PASSWORD: "pw",
  });
  const sent = await s3.requests();
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  assert.deepEqual(result.artifacts, []);
  assert.match(result.artifactsSkipped, /s3:\/\/bucket.*--serve-artifacts/);
  assert.ok(sent.every((r) => r.method !== "PUT" && r.auth === `Basic ${btoa("ann:pw")}`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mlflowOptionsFromEnv: off without MLFLOW_TRACKING_URI; http(s) only", () => {
  assert.equal(mlflowOptionsFromEnv(new Map()), null);
  assert.deepEqual(
    mlflowOptionsFromEnv(new Map([["MLFLOW_TRACKING_URI", "https://mlflow.example/"], ["MLFLOW_EXPERIMENT_ID", "3"]])),
    { trackingUri: "https://mlflow.example", experimentId: "3" },
  );
  assert.throws(() => mlflowOptionsFromEnv(new Map([["MLFLOW_TRACKING_URI", "file:///tmp/mlruns"]])), RangeError);
});
