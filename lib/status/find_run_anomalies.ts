/**
 * `findRunAnomalies`: what looks wrong in a run store, found with SQL over
 * its views (`lib/query`) and with the checkpoint manager's checksum
 * verification.
 *
 * @module
 */
import { join } from "node:path";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { getMetric } from "../eval/mod.ts";
import { openRunStore, type Row, type RunStore } from "../query/mod.ts";
import type { FindingInput } from "./finding.ts";

/** Thresholds of {@linkcode findRunAnomalies}; every one has a default. */
export interface RunAnomalyOptions {
  /** A train loss is a spike when it exceeds the rolling median by more than `spikeK` MADs (default 6). */
  spikeK?: number;
  /** How many preceding values the rolling median and MAD cover (default 50). */
  window?: number;
  /** Fewer preceding values than this: no verdict yet (default 10 for losses, half of it for throughput). */
  minWindow?: number;
  /** Throughput drop: `tokens_per_sec` below this share of its rolling median (default 0.5). */
  dropRatio?: number;
  /** A run still `running` whose newest record is older than this many minutes is stuck (default 30). */
  stuckMinutes?: number;
  /** The time that `stuckMinutes` counts back from (default now). */
  now?: Date;
}

/** What the run store holds, beside the findings. */
export interface RunsSummary {
  /** Rows of the `runs` view, and how many have each status. */
  runs: number;
  by_status: Record<string, number>;
  /** Checkpoint folders verified, and how many failed. */
  checkpoints: number;
  checkpoints_failed: number;
  /** Rows of the `evals` view. */
  evals: number;
}

/** What {@linkcode findRunAnomalies} returns. */
export interface RunAnomalies {
  findings: FindingInput[];
  summary: RunsSummary;
}

const _num = (v: unknown): string => {
  const x = Number(v);
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
};

function _positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`Cannot check runs: ${name} must be a positive integer (got ${v})`);
  }
  return v;
}

// A rolling median (and MAD) over the `window` preceding values of one
// metric per run. DuckDB does not take parameters in a window frame, so the
// frame size is a checked integer written into the statement.
// The metric is `$split`/`$metric`.
const _rolling = (window: number) =>
  `WITH t AS (SELECT run_id, step, value FROM metrics WHERE split = $split AND metric = $metric AND isfinite(value)),
        w AS (SELECT run_id, step, value, median(value) OVER win AS med, mad(value) OVER win AS mad,
                     count(value) OVER win AS n
              FROM t WINDOW win AS (PARTITION BY run_id ORDER BY step ROWS BETWEEN ${window} PRECEDING AND 1 PRECEDING))`;

async function _runFolders(storeDir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(join(storeDir, "runs"))) if (e.isDirectory) out.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

/**
 * Checks every run in the store at `storeDir` (default `artifacts`):
 *
 * - `nan_loss` (error): a loss metric (any split) that is NaN or infinite (written as null);
 * - `loss_spike` (warning): a train loss above the median of the preceding `window` values
 *   by more than `spikeK` median absolute deviations;
 * - `throughput_drop` (warning): `tokens_per_sec` below `dropRatio` times its rolling median;
 * - `stuck_run` (warning): status `running` with no metric, system or event record for
 *   `stuckMinutes`;
 * - `checksum_failed` (error): a checkpoint folder that fails `CheckpointManager.verify`;
 * - `ci_overlap` (info): two runs' latest eval intervals on the same dataset, split and
 *   metric overlap, so the runs are not distinguishable on it;
 * - `skipped_lines` (warning): a file with lines the views skip (torn or malformed).
 *
 * An empty store gives one `runs`/`no_runs` finding. A store that cannot be
 * opened (DuckDB needs `--allow-ffi`) gives a `runs`/`store_failed` finding.
 *
 * @example
 * ```ts ignore
 * import { findRunAnomalies } from "./find_run_anomalies.ts";
 * const { findings, summary } = await findRunAnomalies("artifacts", { spikeK: 8 });
 * console.log(summary.runs, findings.map((f) => f.message));
 * ```
 */
export async function findRunAnomalies(storeDir = "artifacts", options: RunAnomalyOptions = {}): Promise<RunAnomalies> {
  const k = options.spikeK ?? 6;
  if (!(k > 0)) throw new RangeError(`Cannot check runs: spikeK must be positive (got ${k})`);
  const window = _positiveInt("window", options.window ?? 50);
  const minWindow = _positiveInt("minWindow", options.minWindow ?? 10);
  const dropRatio = options.dropRatio ?? 0.5;
  if (!(dropRatio > 0 && dropRatio < 1)) {
    throw new RangeError(`Cannot check runs: dropRatio must be between 0 and 1 (got ${dropRatio})`);
  }
  const stuckMinutes = options.stuckMinutes ?? 30;
  if (!(stuckMinutes > 0)) {
    throw new RangeError(`Cannot check runs: stuckMinutes must be positive (got ${stuckMinutes})`);
  }
  const now = options.now ?? new Date();

  const findings: FindingInput[] = [];
  const summary: RunsSummary = { runs: 0, by_status: {}, checkpoints: 0, checkpoints_failed: 0, evals: 0 };
  let store: RunStore;
  try {
    store = await openRunStore(storeDir, { cache: false });
  } catch (err) {
    findings.push({
      kind: "runs",
      rule: "store_failed",
      severity: "error",
      path: storeDir,
      message: (err as Error).message.split("\n")[0]!,
    });
    return { findings, summary };
  }
  const runFile = (runId: string, file: string) => join(storeDir, "runs", runId, file);
  try {
    for (const r of await store.query("SELECT status, count(*) AS n FROM runs GROUP BY status ORDER BY status")) {
      summary.by_status[String(r.status)] = r.n as number;
      summary.runs += r.n as number;
    }
    summary.evals = (await store.query("SELECT count(*) AS n FROM evals"))[0]!.n as number;
    const folders = await _runFolders(storeDir);
    if (summary.runs === 0 && folders.length === 0) {
      findings.push({
        kind: "runs",
        rule: "no_runs",
        severity: "info",
        path: join(storeDir, "runs"),
        message: `no runs in ${join(storeDir, "runs")}`,
      });
      return { findings, summary };
    }

    for (
      const r of await store.query(
        `SELECT run_id, split, metric, count(*) AS n, min(step) AS first_step FROM metrics
         WHERE metric LIKE $loss AND (value IS NULL OR NOT isfinite(value))
         GROUP BY ALL ORDER BY run_id, split, metric`,
        { loss: "%loss%" },
      )
    ) {
      findings.push({
        kind: "anomaly",
        rule: "nan_loss",
        severity: "error",
        path: runFile(r.run_id as string, "metrics.ndjson"),
        run_id: r.run_id as string,
        symbol: `${r.split}/${r.metric}`,
        value: r.n as number,
        message: `${r.split} ${r.metric} is NaN or infinite at ${r.n} step(s), first at step ${r.first_step}`,
      });
    }

    const spikes = await store.query(
      `${_rolling(window)}
       SELECT run_id, step, value, med, mad FROM w
       WHERE n >= $min AND value - med > $k * greatest(mad, 1e-12) ORDER BY run_id, step`,
      { split: "train", metric: "loss", min: minWindow, k },
    );
    for (const [runId, rows] of Map.groupBy(spikes, (r) => r.run_id as string)) {
      const shown = rows.slice(0, 5).map((r) =>
        `step ${r.step} (${_num(r.value)} vs median ${_num(r.med)}, MAD ${_num(r.mad)})`
      );
      findings.push({
        kind: "anomaly",
        rule: "loss_spike",
        severity: "warning",
        path: runFile(runId, "metrics.ndjson"),
        run_id: runId,
        symbol: "train/loss",
        value: rows.length,
        message: `train loss jumps more than ${
          _num(k)
        } MADs above its rolling median (last ${window} steps) at ${rows.length} step(s): ${shown.join(", ")}${
          rows.length > 5 ? ", ..." : ""
        }`,
      });
    }

    const drops = await store.query(
      `${_rolling(window)}
       SELECT run_id, step, value, med FROM w WHERE n >= $min AND value < $ratio * med ORDER BY run_id, step`,
      { split: "train", metric: "tokens_per_sec", min: Math.max(1, Math.floor(minWindow / 2)), ratio: dropRatio },
    );
    for (const [runId, rows] of Map.groupBy(drops, (r) => r.run_id as string)) {
      const shown = rows.slice(0, 5).map((r) => `step ${r.step} (${_num(r.value)} vs median ${_num(r.med)})`);
      findings.push({
        kind: "anomaly",
        rule: "throughput_drop",
        severity: "warning",
        path: runFile(runId, "metrics.ndjson"),
        run_id: runId,
        symbol: "train/tokens_per_sec",
        value: rows.length,
        message: `tokens/s falls below ${
          _num(dropRatio * 100)
        }% of its rolling median at ${rows.length} logged step(s): ${shown.join(", ")}${
          rows.length > 5 ? ", ..." : ""
        }`,
      });
    }

    const cutoff = new Date(now.getTime() - stuckMinutes * 60_000);
    for (
      const r of await store.query(
        `WITH last AS (SELECT run_id, max(ts) AS ts FROM (
                         SELECT run_id, ts FROM metrics UNION ALL SELECT run_id, ts FROM system
                         UNION ALL SELECT run_id, ts FROM events) GROUP BY run_id)
         SELECT r.run_id, coalesce(l.ts, r.created_at) AS last_ts FROM runs r LEFT JOIN last l USING (run_id)
         WHERE r.status = 'running' AND (coalesce(l.ts, r.created_at) IS NULL OR coalesce(l.ts, r.created_at) < $cutoff)
         ORDER BY r.run_id`,
        { cutoff },
      )
    ) {
      const last = r.last_ts instanceof Date ? r.last_ts.toISOString() : null;
      findings.push({
        kind: "anomaly",
        rule: "stuck_run",
        severity: "warning",
        path: runFile(r.run_id as string, "run.json"),
        run_id: r.run_id as string,
        message: last === null
          ? `status is running but the run has no timestamped record`
          : `status is running but its newest record is from ${last} (more than ${_num(stuckMinutes)} minutes old)`,
      });
    }

    for (const runId of folders) {
      const mgr = new CheckpointManager(join(storeDir, "runs", runId, "checkpoints"));
      for (const c of await mgr.list()) {
        summary.checkpoints++;
        const v = await mgr.verify(c.name);
        if (v.ok) continue;
        summary.checkpoints_failed++;
        findings.push({
          kind: "anomaly",
          rule: "checksum_failed",
          severity: "error",
          path: join(storeDir, "runs", runId, "checkpoints", c.name),
          run_id: runId,
          symbol: c.name,
          message: `checkpoint fails verification: ${v.problems.join("; ")}`,
        });
      }
    }

    // Each run's latest interval against the best run's on the same dataset, split and metric (by the
    // metric's direction): an overlap means the ranking between the two is not established. One finding
    // per run, not per pair, so a store of many runs stays readable.
    const latest = await store.query(
      `SELECT run_id, dataset, split, metric, value, ci_low, ci_high FROM evals
        WHERE ci_low IS NOT NULL AND ci_high IS NOT NULL AND isfinite(value)
        QUALIFY row_number() OVER (PARTITION BY run_id, dataset, split, metric
                                   ORDER BY ts DESC NULLS LAST, step DESC NULLS LAST, value) = 1
        ORDER BY dataset, split, metric, run_id`,
    );
    const groups = new Map<string, Row[]>();
    for (const r of latest) {
      const key = `${r.dataset}/${r.split}/${r.metric}`;
      const group = groups.get(key);
      if (group) group.push(r);
      else groups.set(key, [r]);
    }
    for (const [key, rows] of groups) {
      const higher = _higherIsBetter(rows[0]!.metric as string);
      if (higher === null || rows.length < 2) continue;
      const value = (r: Row) => r.value as number;
      const best = rows.reduce((b, r) => (higher ? value(r) > value(b) : value(r) < value(b)) ? r : b);
      for (const r of rows) {
        if (
          r === best || (r.ci_low as number) > (best.ci_high as number) ||
          (best.ci_low as number) > (r.ci_high as number)
        ) {
          continue;
        }
        findings.push({
          kind: "anomaly",
          rule: "ci_overlap",
          severity: "info",
          path: runFile(r.run_id as string, "eval/metrics.ndjson"),
          run_id: r.run_id as string,
          symbol: key,
          message: `not distinguishable from the best run ${best.run_id} on ${r.dataset} ${r.split} ${r.metric} (${
            higher ? "higher" : "lower"
          } is better): ${_num(r.value)} [${_num(r.ci_low)}, ${_num(r.ci_high)}] vs ${_num(best.value)} [${
            _num(best.ci_low)
          }, ${_num(best.ci_high)}] overlap`,
        });
      }
    }

    for (const s of (await store.check()).skipped) {
      findings.push({
        kind: "anomaly",
        rule: "skipped_lines",
        severity: "warning",
        path: join(storeDir, s.file.slice(store.dir.length).replace(/^\/+/, "")),
        value: s.skipped,
        message: `${s.skipped} ${s.unit}(s) of ${s.total} skipped by queries (malformed${
          s.tornEnd ? ", torn at the end" : ""
        })`,
      });
    }
  } finally {
    store.close();
  }
  return { findings, summary };
}

/** Whether higher values of `metric` are better, from the metrics registry; null for a metric it does not know. */
function _higherIsBetter(metric: string): boolean | null {
  try {
    return getMetric(metric).higherIsBetter;
  } catch {
    return null;
  }
}
