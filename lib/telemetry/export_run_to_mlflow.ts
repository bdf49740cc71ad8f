/**
 * Export a run folder to an MLflow tracking server over its REST API
 * (`runs/create`, `runs/log-batch`, `runs/set-tag`, `runs/update`, and the
 * `mlflow-artifacts` proxy for files).
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { EvalRecord, MetricRecord, RunInfo, SystemRecord } from "./records.ts";
import { readStepRecords } from "./_read_step_records.ts";
import { readTextIfExists } from "../io/mod.ts";

/** Where and how to reach an MLflow tracking server. */
export interface MlflowOptions {
  /** The server, e.g. `http://127.0.0.1:5000` (`MLFLOW_TRACKING_URI`). */
  trackingUri: string;
  /** The experiment to log into (`MLFLOW_EXPERIMENT_ID`); wins over `experimentName`. */
  experimentId?: string;
  /** The experiment to log into, created if missing (`MLFLOW_EXPERIMENT_NAME`). Default: experiment "0". */
  experimentName?: string;
  /** A bearer token (`MLFLOW_TRACKING_TOKEN`). */
  token?: string;
  /** Basic auth (`MLFLOW_TRACKING_USERNAME`, `MLFLOW_TRACKING_PASSWORD`). */
  username?: string;
  password?: string;
}

/** What an export sent. */
export interface MlflowExport {
  /** The MLflow run id. */
  runId: string;
  experimentId: string;
  params: number;
  metrics: number;
  /** NDJSON lines left out: not JSON, torn, or without a numeric step (as queries skip them). */
  skippedLines: number;
  /** Files uploaded through the `mlflow-artifacts` proxy (relative to the run folder). */
  artifacts: string[];
  /** Why no files were uploaded, when none were. */
  artifactsSkipped: string | null;
  /** The run in MLflow's UI. */
  url: string;
}

/** An environment to read `MLFLOW_*` from (`Deno.env` by default). */
export interface EnvReader {
  get(key: string): string | undefined;
}

/**
 * MLflow options from the standard `MLFLOW_*` variables, or null when
 * `MLFLOW_TRACKING_URI` is not set (MLflow export is then off). Only http and
 * https servers are supported.
 *
 * @example
 * ```ts
 * import { mlflowOptionsFromEnv } from "./export_run_to_mlflow.ts";
 * const env = new Map([["MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"], ["MLFLOW_EXPERIMENT_NAME", "codex"]]);
 * console.log(mlflowOptionsFromEnv(env)); // { trackingUri: "http://127.0.0.1:5000", experimentName: "codex" }
 * console.log(mlflowOptionsFromEnv(new Map())); // null
 * ```
 */
export function mlflowOptionsFromEnv(env: EnvReader = Deno.env): MlflowOptions | null {
  const uri = env.get("MLFLOW_TRACKING_URI")?.trim();
  if (!uri) return null;
  if (!/^https?:\/\//.test(uri)) {
    throw new RangeError(`Cannot use MLflow: MLFLOW_TRACKING_URI must be an http(s) URL (got "${uri}")`);
  }
  const options: MlflowOptions = { trackingUri: uri.replace(/\/+$/, "") };
  const fields = [
    ["experimentId", "MLFLOW_EXPERIMENT_ID"],
    ["experimentName", "MLFLOW_EXPERIMENT_NAME"],
    ["token", "MLFLOW_TRACKING_TOKEN"],
    ["username", "MLFLOW_TRACKING_USERNAME"],
    ["password", "MLFLOW_TRACKING_PASSWORD"],
  ] as const;
  for (const [key, name] of fields) {
    const v = env.get(name);
    if (v) options[key] = v;
  }
  return options;
}

// MLflow's limits per log-batch request.
const MAX_METRICS = 1000, MAX_PARAMS = 100;
const MAX_PARAM_VALUE = 6000;
// Retried: the server is busy or restarting.
const RETRY_STATUS = new Set([429, 502, 503, 504]);
const ARTIFACTS = ["run.json", "config.yaml", "summary.json", "samples.ndjson", "eval/metrics.csv"];
const STATUS: Record<string, string> = {
  running: "RUNNING",
  finished: "FINISHED",
  failed: "FAILED",
  interrupted: "KILLED",
  pruned: "KILLED",
};

function _flatten(value: unknown, prefix: string, out: [string, string][]): [string, string][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) _flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    out.push([prefix, text.length > MAX_PARAM_VALUE ? text.slice(0, MAX_PARAM_VALUE - 3) + "..." : text]);
  }
  return out;
}

interface _Metric {
  key: string;
  // Proto3 JSON: a NaN (written as null in NDJSON) is the string "NaN".
  value: number | "NaN";
  timestamp: number;
  step: number;
}

/**
 * Exports the run in `runDir` to MLflow: one new MLflow run (named after the
 * codex run id, tagged `codex.run_id`) with the resolved config as params,
 * every metric with its step and time (`train/loss`, `val/loss`,
 * `eval/<dataset>/<split>/<metric>`, `system/<field>`, and the summary's
 * numbers as `summary/<field>`), tags for the run's identity, the run's
 * files as artifacts when the server proxies them, and the final status.
 * Each call creates a new MLflow run. Needs `--allow-net` to the server.
 *
 * @example
 * ```ts ignore
 * import { exportRunToMlflow, mlflowOptionsFromEnv } from "./export_run_to_mlflow.ts";
 * const mlflow = mlflowOptionsFromEnv();
 * if (mlflow) console.log((await exportRunToMlflow("artifacts/runs/20261124-161852-5e88", mlflow)).url);
 * ```
 */
export async function exportRunToMlflow(runDir: string, options: MlflowOptions): Promise<MlflowExport> {
  const fail = (detail: string) => new Error(`Cannot export run to MLflow: ${detail}`);
  let info: RunInfo;
  try {
    info = JSON.parse(await Deno.readTextFile(join(runDir, "run.json")));
  } catch (err) {
    throw fail(`${join(runDir, "run.json")} cannot be read (${(err as Error).message})`);
  }
  const base = options.trackingUri.replace(/\/+$/, "");
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  else if (options.username) headers.authorization = `Basic ${btoa(`${options.username}:${options.password ?? ""}`)}`;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    raw?: Uint8Array<ArrayBuffer>,
  ): Promise<unknown> => {
    const url = `${base}/api/2.0/${path}`;
    for (let attempt = 0;; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: raw ? { ...headers, "content-type": "application/octet-stream" } : headers,
          body: raw ?? (body === undefined ? null : JSON.stringify(body)),
        });
      } catch (err) {
        throw fail(`cannot reach ${base} (${(err as Error).message})`);
      }
      const text = await res.text();
      if (res.ok) return text ? JSON.parse(text) : {};
      if (RETRY_STATUS.has(res.status) && attempt < 3) {
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
        continue;
      }
      let message = text.slice(0, 300);
      try {
        const e = JSON.parse(text);
        message = [e.error_code, e.message].filter(Boolean).join(": ") || message;
      } catch {
        // not JSON: keep the text
      }
      throw fail(`${method} ${path.split("?")[0]} answered ${res.status}${message ? ` (${message})` : ""}`);
    }
  };

  let experimentId = options.experimentId ?? "0";
  if (!options.experimentId && options.experimentName) {
    const name = options.experimentName;
    try {
      const found = await call("GET", `mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
      experimentId = (found as { experiment: { experiment_id: string } }).experiment.experiment_id;
    } catch (err) {
      if (!/RESOURCE_DOES_NOT_EXIST/.test((err as Error).message)) throw err;
      experimentId = ((await call("POST", "mlflow/experiments/create", { name })) as { experiment_id: string })
        .experiment_id;
    }
  }

  const tags = [
    ["mlflow.source.name", "codex"],
    ["codex.run_id", info.run_id],
    ["codex.name", info.name],
    ["codex.config_hash", info.config_hash],
    ["codex.backend", info.backend],
    ["codex.seed", String(info.seed)],
    ...(info.parent ? [["codex.parent", info.parent]] : []),
    ...(info.sweep_id ? [["codex.sweep_id", info.sweep_id]] : []),
    ...Object.entries(info.versions ?? {}).map(([k, v]) => [`codex.version.${k}`, String(v)]),
  ].map(([key, value]) => ({ key: key!, value: value! }));
  const created = await call("POST", "mlflow/runs/create", {
    experiment_id: experimentId,
    run_name: info.run_id,
    start_time: Date.parse(info.created_at),
    tags,
  }) as { run: { info: { run_id: string; artifact_uri?: string } } };
  const runId = created.run.info.run_id;

  const configYaml = await readTextIfExists(join(runDir, "config.yaml"));
  const params = configYaml ? _flatten(parseYaml(configYaml), "", []).map(([key, value]) => ({ key, value })) : [];

  const metrics: _Metric[] = [];
  const push = (key: string, value: number | null, ts: string, step: number) =>
    metrics.push({ key, value: value ?? "NaN", timestamp: Date.parse(ts), step });
  const read = await Promise.all([
    readStepRecords<MetricRecord>(join(runDir, "metrics.ndjson")),
    readStepRecords<EvalRecord>(join(runDir, "eval", "metrics.ndjson")),
    readStepRecords<SystemRecord>(join(runDir, "system.ndjson")),
  ]);
  const [metricRecords, evalRecords, systemRecords] = read.map((r) => r.records) as [
    MetricRecord[],
    EvalRecord[],
    SystemRecord[],
  ];
  for (const m of metricRecords) push(`${m.split}/${m.metric}`, m.value, m.ts, m.step);
  for (const e of evalRecords) push(`eval/${e.dataset}/${e.split}/${e.metric}`, e.value, e.ts, e.step);
  for (const s of systemRecords) {
    for (const [k, v] of Object.entries(s)) {
      if (!["schema_version", "run_id", "ts", "step"].includes(k) && typeof v === "number") {
        push(`system/${k}`, v, s.ts, s.step);
      }
    }
  }
  const summaryText = await readTextIfExists(join(runDir, "summary.json"));
  const summary = summaryText ? JSON.parse(summaryText) as Record<string, unknown> : null;
  if (summary) {
    const ts = info.ended_at ?? new Date().toISOString(), step = Number(summary.steps) || 0;
    for (const [k, v] of Object.entries(summary)) {
      if (typeof v === "number" && k !== "schema_version") push(`summary/${k}`, v, ts, step);
    }
  }
  for (let p = 0, m = 0; p < params.length || m < metrics.length;) {
    const batchParams = params.slice(p, p + MAX_PARAMS);
    const batchMetrics = metrics.slice(m, m + MAX_METRICS - batchParams.length);
    await call("POST", "mlflow/runs/log-batch", { run_id: runId, params: batchParams, metrics: batchMetrics });
    p += batchParams.length;
    m += batchMetrics.length;
  }

  const artifacts: string[] = [];
  const artifactUri = created.run.info.artifact_uri ?? "";
  let artifactsSkipped: string | null = null;
  if (artifactUri.startsWith("mlflow-artifacts:")) {
    // mlflow-artifacts:/0/<run>/artifacts (or mlflow-artifacts://host:port/0/...): the path after the authority.
    const root = artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]+)?\/*/, "");
    for (const file of ARTIFACTS) {
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await Deno.readFile(join(runDir, file));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
      await call("PUT", `mlflow-artifacts/artifacts/${root}/${file}`, undefined, bytes);
      artifacts.push(file);
    }
  } else {
    artifactsSkipped = `the server stores artifacts at ${artifactUri || "(none)"}, not through its proxy ` +
      "(start it with --serve-artifacts)";
  }

  const status = STATUS[info.status] ?? "FINISHED";
  await call("POST", "mlflow/runs/set-tag", { run_id: runId, key: "codex.status", value: info.status });
  if (summary && typeof summary.stop_reason === "string") {
    await call("POST", "mlflow/runs/set-tag", { run_id: runId, key: "codex.stop_reason", value: summary.stop_reason });
  }
  if (info.error) await call("POST", "mlflow/runs/set-tag", { run_id: runId, key: "codex.error", value: info.error });
  await call("POST", "mlflow/runs/update", {
    run_id: runId,
    status,
    ...(status !== "RUNNING" && info.ended_at ? { end_time: Date.parse(info.ended_at) } : {}),
  });
  return {
    runId,
    experimentId,
    params: params.length,
    metrics: metrics.length,
    skippedLines: read.reduce((n, r) => n + r.skipped, 0),
    artifacts,
    artifactsSkipped,
    url: `${base}/#/experiments/${experimentId}/runs/${runId}`,
  };
}
