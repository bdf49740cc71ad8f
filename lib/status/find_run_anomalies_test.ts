import assert from "node:assert/strict";
import { join } from "node:path";
import { A, B, fixtureStore } from "./_testing.ts";
import { findRunAnomalies } from "./find_run_anomalies.ts";

const NOW = new Date("2026-01-01T01:00:00Z");

Deno.test("findRunAnomalies: NaN, spike, throughput drop, stuck run, flipped checkpoint byte, overlapping intervals", async () => {
  const dir = await fixtureStore();
  try {
    const { findings, summary } = await findRunAnomalies(dir, { now: NOW });
    const rows = findings.map((
      f,
    ) => [f.rule, f.severity, f.path?.slice(dir.length + 1), f.run_id, f.symbol ?? null, f.value ?? null, f.message]);
    assert.deepEqual(rows, [
      [
        "nan_loss",
        "error",
        `runs/${A}/metrics.ndjson`,
        A,
        "val/loss",
        1,
        "val loss is NaN or infinite at 1 step(s), first at step 20",
      ],
      [
        "loss_spike",
        "warning",
        `runs/${A}/metrics.ndjson`,
        A,
        "train/loss",
        1,
        "train loss jumps more than 6 MADs above its rolling median (last 50 steps) at 1 step(s): " +
        "step 25 (9 vs median 2.01, MAD 0.01)",
      ],
      [
        "throughput_drop",
        "warning",
        `runs/${A}/metrics.ndjson`,
        A,
        "train/tokens_per_sec",
        1,
        "tokens/s falls below 50% of its rolling median at 1 logged step(s): step 28 (300 vs median 1010)",
      ],
      [
        "stuck_run",
        "warning",
        `runs/${B}/run.json`,
        B,
        null,
        null,
        "status is running but its newest record is from 2026-01-01T00:01:10.000Z (more than 30 minutes old)",
      ],
      [
        "checksum_failed",
        "error",
        `runs/${A}/checkpoints/step-000010`,
        A,
        "step-000010",
        null,
        "checkpoint fails verification: step-000010/weights.safetensors fails its sha256 check",
      ],
      [
        "ci_overlap",
        "info",
        `runs/${B}/eval/metrics.ndjson`,
        B,
        "first-names/val/cross_entropy",
        null,
        `not distinguishable from the best run ${A} on first-names val cross_entropy (lower is better): 2.55 [2.45, 2.65] vs 2.5 [2.4, 2.6] overlap`,
      ],
    ]);
    assert.deepEqual(summary, {
      runs: 3,
      by_status: { finished: 2, running: 1 },
      checkpoints: 3,
      checkpoints_failed: 1,
      evals: 4,
    });

    // Looser thresholds: no spike, no drop, not stuck yet.
    const loose = await findRunAnomalies(dir, { now: NOW, spikeK: 1000, dropRatio: 0.1, stuckMinutes: 120 });
    assert.deepEqual(loose.findings.map((f) => f.rule), ["nan_loss", "checksum_failed", "ci_overlap"]);
    await assert.rejects(
      () => findRunAnomalies(dir, { window: 0 }),
      /Cannot check runs: window must be a positive integer/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findRunAnomalies: an empty store says no runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const store of [dir, join(dir, "missing")]) {
      const { findings, summary } = await findRunAnomalies(store);
      assert.deepEqual(findings, [{
        kind: "runs",
        rule: "no_runs",
        severity: "info",
        path: join(store, "runs"),
        message: `no runs in ${join(store, "runs")}`,
      }]);
      assert.equal(summary.runs, 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
