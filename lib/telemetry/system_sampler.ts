/**
 * Samples the process and machine: CPU %, resident memory, JS heap, load,
 * and GPU utilisation and memory through `nvidia-smi` when it exists.
 *
 * @module
 */
import process from "node:process";
import { SCHEMA_VERSION, type SystemRecord } from "./records.ts";

/** Options of {@linkcode SystemSampler}. */
export interface SystemSamplerOptions {
  /**
   * The `nvidia-smi` to run for GPU fields (default `"nvidia-smi"` on the
   * PATH); null turns GPU sampling off. Missing, not permitted
   * (`--allow-run`) or failing once, it is not tried again and the GPU
   * fields stay null.
   */
  nvidiaSmi?: string | null;
}

/** GPU utilisation (mean over GPUs, %) and memory used (sum over GPUs, bytes). */
interface _GpuReading {
  util: number | null;
  memBytes: number | null;
}

/**
 * Parses `nvidia-smi --query-gpu=utilization.gpu,memory.used
 * --format=csv,noheader,nounits` (one `util, MiB` line per GPU).
 */
function _parseNvidiaSmi(text: string): _GpuReading {
  const rows = text.trim().split("\n").filter((l) => l.trim()).map((l) => l.split(",").map((x) => Number(x.trim())));
  const util = rows.map((r) => r[0]!).filter(Number.isFinite);
  const mem = rows.map((r) => r[1]!).filter(Number.isFinite);
  return {
    util: util.length ? Math.round((util.reduce((a, b) => a + b, 0) / util.length) * 10) / 10 : null,
    memBytes: mem.length ? mem.reduce((a, b) => a + b, 0) * 1024 * 1024 : null,
  };
}

/**
 * Takes system samples; CPU % is measured since the previous sample. GPU
 * fields come from `nvidia-smi`, read in the background: a sample carries
 * the reading taken after the previous one (or at construction), so it never
 * waits for the GPU query. Call {@linkcode SystemSampler.stop} when done so
 * no query is left running.
 *
 * @example
 * ```ts
 * import { SystemSampler } from "./system_sampler.ts";
 * const sampler = new SystemSampler("20261124-161852-5e88", { nvidiaSmi: null });
 * const s = sampler.sample(10);
 * console.log(s.step, s.rss_bytes > 0, s.gpu_util_percent); // 10 true null
 * await sampler.stop();
 * ```
 */
export class SystemSampler {
  #lastCpu = process.cpuUsage();
  #lastTime = performance.now();
  #nvidiaSmi: string | null;
  #gpu: _GpuReading = { util: null, memBytes: null };
  #inFlight: Promise<void> | null = null;
  readonly runId: string;

  constructor(runId: string, options: SystemSamplerOptions = {}) {
    this.runId = runId;
    this.#nvidiaSmi = options.nvidiaSmi === undefined ? "nvidia-smi" : options.nvidiaSmi;
    this.#queryGpu();
  }

  // Starts one nvidia-smi query unless one is running or GPU sampling is off.
  #queryGpu(): void {
    const cmd = this.#nvidiaSmi;
    if (cmd === null || this.#inFlight) return;
    const off = () => {
      this.#nvidiaSmi = null;
      this.#gpu = { util: null, memBytes: null };
    };
    let output: Promise<Deno.CommandOutput>;
    try {
      output = new Deno.Command(cmd, {
        args: ["--query-gpu=utilization.gpu,memory.used", "--format=csv,noheader,nounits"],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
    } catch {
      // not permitted (--allow-run): no GPU fields
      return off();
    }
    this.#inFlight = output.then(
      (out) => {
        if (out.success) this.#gpu = _parseNvidiaSmi(new TextDecoder().decode(out.stdout));
        else off();
      },
      off, // not installed
    ).finally(() => (this.#inFlight = null));
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
    const gpu = this.#gpu;
    this.#queryGpu();
    return {
      schema_version: SCHEMA_VERSION,
      run_id: this.runId,
      ts: new Date().toISOString(),
      step,
      cpu_percent: wallUs > 0 ? Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10 : 0,
      rss_bytes: mem.rss,
      heap_used_bytes: mem.heapUsed,
      load_avg_1m: load,
      gpu_util_percent: gpu.util,
      gpu_mem_used_bytes: gpu.memBytes,
    };
  }

  /** Waits for a GPU query in flight, so that the next sample carries its reading. */
  async ready(): Promise<void> {
    await this.#inFlight;
  }

  /** Stops GPU sampling and waits for a query in flight; later samples keep the last reading. */
  async stop(): Promise<void> {
    await this.#inFlight;
    this.#nvidiaSmi = null;
  }
}
