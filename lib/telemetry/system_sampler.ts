/**
 * Samples the process and machine: CPU %, resident memory, JS heap and load.
 *
 * @module
 */
import process from "node:process";
import { SCHEMA_VERSION, type SystemRecord } from "./records.ts";

/** Takes system samples; CPU % is measured since the previous sample. */
export class SystemSampler {
  #lastCpu = process.cpuUsage();
  #lastTime = performance.now();
  readonly runId: string;

  constructor(runId: string) {
    this.runId = runId;
  }

  /** One sample at `step`. */
  sample(step: number): SystemRecord {
    const cpu = process.cpuUsage(this.#lastCpu);
    const now = performance.now();
    const wallUs = (now - this.#lastTime) * 1000;
    this.#lastCpu = process.cpuUsage();
    this.#lastTime = now;
    const mem = Deno.memoryUsage();
    let load = 0;
    try {
      load = Deno.loadavg()[0] ?? 0;
    } catch {
      // --allow-sys not granted: report 0
    }
    return {
      schema_version: SCHEMA_VERSION,
      run_id: this.runId,
      ts: new Date().toISOString(),
      step,
      cpu_percent: wallUs > 0 ? Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10 : 0,
      rss_bytes: mem.rss,
      heap_used_bytes: mem.heapUsed,
      load_avg_1m: load,
    };
  }
}
