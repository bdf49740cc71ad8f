import assert from "node:assert/strict";
import { type SystemRow, systemUsage } from "./mod.ts";
import { assertSnapshot, marks } from "./_testing.ts";
import { Rng } from "../random/mod.ts";

function systemRows(runId = "run-a", gpu = false): SystemRow[] {
  const rng = new Rng(5);
  return Array.from({ length: 30 }, (_, i) => ({
    run_id: runId,
    ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 2 * i)).toISOString(),
    step: i * 10,
    cpu_percent: 150 + 30 * rng.next(),
    rss_bytes: 6e8 + i * 4e6,
    heap_used_bytes: 5e7 + 2e7 * rng.next(),
    load_avg_1m: 1.2 + i / 60,
    gpu_util_percent: gpu ? 80 : null,
    gpu_mem_used_bytes: gpu ? 2e9 : null,
  }));
}

Deno.test("systemUsage: CPU, memory and load panels over time, no GPU panel without values, snapshot", async () => {
  const chart = systemUsage(systemRows());
  assert.equal(marks(chart.svg, "line", "path"), 4, "CPU, RSS, heap, load");
  for (const t of [">CPU / GPU %<", ">memory (MiB)<", ">load average (1 min)<", ">seconds since the first sample<"]) {
    assert.ok(chart.svg.includes(t), t);
  }
  assert.ok(!chart.svg.includes(">GPU memory<"));
  await assertSnapshot("system_usage", chart.svg);
});

Deno.test("systemUsage: by step, GPU fields when present, chosen fields; errors", () => {
  assert.ok(systemUsage(systemRows("a", true), { x: "step" }).svg.includes(">GPU memory<"));
  const cpu = systemUsage(systemRows(), { fields: ["cpu_percent"] });
  assert.equal(marks(cpu.svg, "line", "path"), 1);
  const rows = systemRows() as unknown as Record<string, unknown>[];
  delete rows[2]!.rss_bytes;
  assert.throws(() => systemUsage(rows), {
    message: 'Cannot plot system usage: row 2 has no field "rss_bytes" (expected a number or null)',
  });
  assert.throws(() => systemUsage([]), { message: /the series is empty/ });
});
