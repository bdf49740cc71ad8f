/**
 * `deno task bench:speed`: codex against PyTorch on the same CPU, in one run.
 *
 * - Training tokens/s of gpt-micro (batch 12 x 64, AdamW, clipping): codex
 *   native with 1 and 2 workers, codex wasm with 1 and 2 workers; PyTorch
 *   with OpenBLAS limited to one thread, with its defaults, and with 2 threads.
 * - Generation tokens/s at the gpt2 shape, with and without the KV cache.
 * - GPT-2-124M training step (batch 1 x 256), codex native and PyTorch.
 *
 * The last line is `ratio_vs_pytorch=R`: codex's best training tokens/s over
 * the fastest PyTorch configuration of this run.
 *
 * @module
 */
import {
  benchGeneration,
  clipScale,
  createModel,
  createOptimizer,
  DataParallel,
  DEFAULT_CONFIG,
  gradientNorm,
  initBackend,
  type LanguageModel,
  parseTaskArgs,
  Rng,
  runTask,
  tf,
} from "../mod.ts";
import { fileURLToPath } from "node:url";

const HELP = `Usage: deno task bench:speed [--steps N] [--no-torch] [--no-gpt2] [--no-generate] [--profile]

Times, in one run on this machine:
  training   gpt-micro (4 layers, 128 dims, batch 12 x 64 tokens, AdamW, clipping): codex native
             (ONNX Runtime) with 1 and 2 workers, codex wasm with 1 and 2 workers, and PyTorch
             (bench/torch_gpt.py) with OpenBLAS on one thread, with its defaults and with 2 threads
  generation 256 new tokens after a 64-token prompt at the gpt2 shape (124M), with and without
             the KV cache (--no-generate skips it)
  gpt2 step  one GPT-2-124M training step, batch 1 x 256, codex native and PyTorch (--no-gpt2 skips)
PyTorch runs with /usr/bin/python3 (Debian's python3-torch; libopenblas0-pthread makes it use
OpenBLAS, without which it is ~15x slower and the comparison is unfair: the table says which BLAS
it used). Ends with ratio_vs_pytorch=R (codex's best / the fastest PyTorch).
--profile adds a per-op profile of one wasm step.`;

const cfg = { vocab_size: 83, block_size: 64, n_layer: 4, n_head: 4, n_embd: 128, dropout: 0 };
const gpt2 = { vocab_size: 50257, block_size: 1024, n_layer: 12, n_head: 12, n_embd: 768, dropout: 0 };
const B = 12, T = 64;
const PY = "/usr/bin/python3";

function randomBatch(batch: number, time: number, vocab: number, seed: number) {
  const rng = new Rng(seed);
  const draw = () => Int32Array.from({ length: batch * time }, () => rng.int(vocab));
  return { x: draw(), y: draw(), batch, time };
}

/** Milliseconds per training step (gradients, norm, clipped AdamW), after `warmup` steps. */
async function msPerStep(
  backend: string,
  workers: number,
  model: { name: string; config: typeof cfg; batch: number; time: number },
  steps: number,
  warmup: number,
): Promise<number> {
  await initBackend(backend);
  const m = createModel(model.name, model.config, new Rng(1)) as LanguageModel;
  const opt = createOptimizer(m.params, DEFAULT_CONFIG.train); // AdamW, betas 0.9/0.99, decay 0.1
  const dp = await DataParallel.start(workers, model.name, model.config, backend);
  const b = randomBatch(model.batch, model.time, model.config.vocab_size, 2);
  const step = async () => {
    const r = await dp.gradients(m, b, 1, 0);
    opt.step(r.grads, 1e-3, clipScale(gradientNorm(r.grads), 1));
    tf.dispose(Object.values(r.grads));
  };
  try {
    for (let i = 0; i < warmup; i++) await step();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    return (performance.now() - t0) / steps;
  } finally {
    dp.close();
    opt.dispose();
    m.dispose();
  }
}

interface TorchResult {
  ms_per_step: number;
  tokens_per_sec: number;
  blas: string;
  torch_threads: number;
}

async function torch(threads: "1" | "2" | "default", args: string[]): Promise<TorchResult | null> {
  const script = fileURLToPath(new URL("../bench/torch_gpt.py", import.meta.url));
  const env: Record<string, string> = threads === "1" ? { OPENBLAS_NUM_THREADS: "1" } : {};
  try {
    const out = await new Deno.Command(PY, { args: [script, "--threads", threads, ...args], env, stderr: "piped" })
      .output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
      console.log(`  (PyTorch ${threads} failed: ${err})`);
      return null;
    }
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } catch {
    return null;
  }
}

async function torchAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command(PY, { args: ["-c", "import torch"], stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

function line(name: string, value: string, note = ""): void {
  console.log(`  ${name.padEnd(44)} ${value.padStart(16)}${note ? "  " + note : ""}`);
}

const fmt = (tps: number) => `${tps.toFixed(0)} tokens/s`;

async function training(steps: number, withTorch: boolean): Promise<number | null> {
  console.log(`Training gpt-micro, batch ${B} x ${T} tokens, AdamW + clipping (${steps} timed steps each):`);
  const micro = { name: "gpt-micro", config: cfg, batch: B, time: T };
  const codex: [string, number][] = [];
  for (const [backend, workers] of [["native", 1], ["native", 2], ["wasm", 1], ["wasm", 2]] as const) {
    const ms = await msPerStep(backend, workers, micro, backend === "native" ? steps * 4 : steps, 3);
    codex.push([`codex ${backend}, ${workers} worker${workers > 1 ? "s" : ""}`, (B * T * 1000) / ms]);
  }
  const torchRows: [string, number][] = [];
  if (withTorch) {
    for (const [name, threads] of [["OpenBLAS 1 thread", "1"], ["defaults", "default"], ["2 threads", "2"]] as const) {
      const r = await torch(threads, ["--steps", String(steps * 2)]);
      if (r) torchRows.push([`PyTorch, ${name} (${r.blas} BLAS)`, r.tokens_per_sec]);
    }
  }
  const bestTorch = torchRows.length ? Math.max(...torchRows.map((r) => r[1])) : null;
  for (const [name, tps] of [...codex, ...torchRows]) {
    line(name, fmt(tps), bestTorch ? `${(tps / bestTorch).toFixed(2)}x fastest PyTorch` : "");
  }
  if (torchRows.some((r) => r[0].includes("reference BLAS"))) {
    console.log("  (PyTorch used the reference BLAS: apt-get install libopenblas0-pthread for a fair comparison)");
  }
  const bestCodex = Math.max(...codex.map((r) => r[1]));
  return bestTorch ? bestCodex / bestTorch : null;
}

/**
 * Seconds per new token without the cache, estimated over `newTokens` tokens
 * after a `prompt`-token prompt: each token recomputes its whole context, so
 * the cost grows with it. Measured at three context lengths (a few tokens
 * each), interpolated linearly and summed over every position.
 */
function uncachedSecondsPerToken(model: LanguageModel, prompt: number, newTokens: number): number {
  const at = [prompt, prompt + newTokens / 2, prompt + newTokens - 8].map((p) => Math.round(p));
  const secs = at.map((p) => 1 / benchGeneration({ model, promptTokens: p, newTokens: 4, useCache: false }));
  let total = 0;
  for (let pos = prompt; pos < prompt + newTokens; pos++) {
    const i = pos < at[1]! ? 0 : 1;
    const f = (pos - at[i]!) / (at[i + 1]! - at[i]!);
    total += secs[i]! + f * (secs[i + 1]! - secs[i]!);
  }
  return total / newTokens;
}

async function generation(): Promise<void> {
  console.log("Generation at the gpt2 shape (124M, random weights), 256 new tokens after a 64-token prompt, greedy:");
  const rows: [string, number][] = [];
  for (const backend of ["native", "wasm"]) {
    await initBackend(backend);
    const model = createModel("gpt2", gpt2, new Rng(1)) as LanguageModel;
    try {
      if (backend === "native") {
        rows.push(["native, KV cache", benchGeneration({ model, promptTokens: 64, newTokens: 256 })]);
      }
      rows.push([`${backend}, no cache (estimated*)`, 1 / uncachedSecondsPerToken(model, 64, 256)]);
    } finally {
      model.dispose();
    }
  }
  const today = rows.at(-1)![1];
  for (const [name, tps] of rows) {
    line(name, `${tps.toFixed(2)} tokens/s`, `${(tps / today).toFixed(1)}x wasm without cache`);
  }
  console.log("  * 4 tokens timed at contexts 64, 192 and 312, interpolated over the 256 positions");
}

async function gpt2Step(withTorch: boolean): Promise<void> {
  console.log("GPT-2-124M training step, batch 1 x 256, AdamW:");
  const ms = await msPerStep("native", 2, { name: "gpt2", config: gpt2, batch: 1, time: 256 }, 3, 2);
  const args = ["--preset", "gpt2", "--steps", "3", "--warmup", "2"];
  const runs: { name: string; ms: number }[] = [];
  for (const [name, threads] of withTorch ? [["defaults", "default"], ["2 threads", "2"]] as const : []) {
    const r = await torch(threads, args); // one after the other: they would share the cores
    if (r) runs.push({ name: `PyTorch, ${name} (${r.blas} BLAS)`, ms: r.ms_per_step });
  }
  const best = runs.length ? Math.min(...runs.map((r) => r.ms)) : null;
  line(
    "codex native, 2 workers",
    `${ms.toFixed(0)} ms/step`,
    best ? `${(ms / best).toFixed(2)}x fastest PyTorch's time` : "",
  );
  for (const r of runs) line(r.name, `${r.ms.toFixed(0)} ms/step`);
}

async function profile(): Promise<void> {
  await initBackend("wasm");
  const model = createModel("gpt-micro", cfg, new Rng(1)) as LanguageModel;
  const { x, y } = randomBatch(B, T, 83, 2);
  const run = () => {
    const { value, grads } = tf.variableGrads(() => model.loss(x, y, B, T, true), [...model.params.values()]);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  run();
  const p = await tf.profile(run);
  const byKernel = new Map<string, number>();
  let total = 0;
  for (const k of p.kernels) {
    if (k.name === "unnamed scope") continue; // custom-gradient wrappers: their kernels are counted already
    const ms = await k.kernelTimeMs as number;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
    total += ms;
  }
  console.log(`\nOne wasm forward + backward, by kernel (total ${total.toFixed(0)} ms):`);
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(
      `  ${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%`,
    );
  }
  model.dispose();
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    steps: { type: "string" },
    "no-torch": { type: "boolean" },
    "no-gpt2": { type: "boolean" },
    "no-generate": { type: "boolean" },
    profile: { type: "boolean" },
  });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const steps = Number(args.flags.steps ?? 20);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot bench: --steps must be a positive integer (got ${args.flags.steps})`);
  }
  const withTorch = !args.flags["no-torch"] && await torchAvailable();
  if (!withTorch && !args.flags["no-torch"]) {
    console.log(
      `PyTorch reference not run: ${PY} cannot import torch (apt-get install python3-torch libopenblas0-pthread)`,
    );
  }
  const ratio = await training(steps, withTorch);
  if (!args.flags["no-generate"]) await generation();
  if (!args.flags["no-gpt2"]) await gpt2Step(withTorch);
  if (args.flags.profile) await profile();
  console.log(`ratio_vs_pytorch=${ratio === null ? "n/a" : ratio.toFixed(2)}`);
  return 0;
}

await runTask(main);
