/**
 * `deno task bench:speed`: training throughput of gpt-micro (batch 12,
 * context 64) on the wasm backend (one and two cores) and the CPU backend,
 * against a PyTorch reference of the same model measured in the same run
 * (when Debian's python3-torch is installed), plus where a wasm step spends
 * its time.
 *
 * @module
 */
import {
  createModel,
  createOptimizer,
  DataParallel,
  initBackend,
  type LanguageModel,
  parseTaskArgs,
  Rng,
  runTask,
  tf,
} from "../mod.ts";
import { fileURLToPath } from "node:url";

const HELP = `Usage: deno task bench:speed [--steps N] [--no-torch] [--profile]

Times training steps of gpt-micro (4 layers, 128 dims, batch 12 x 64 tokens) with AdamW:
wasm on one core, wasm on two cores (train.workers=2), and the pure-JS cpu backend; then the
PyTorch reference (bench/torch_gpt_micro.py, one thread, run with /usr/bin/python3 if torch
imports) and prints tokens/s with ratios. --profile adds a per-op profile of one wasm step.`;

const cfg = { vocab_size: 83, block_size: 64, n_layer: 4, n_head: 4, n_embd: 128, dropout: 0 };
const B = 12, T = 64;

async function measure(backend: string, workers: number, steps: number): Promise<number> {
  await initBackend(backend);
  const model = createModel("gpt-micro", cfg, new Rng(1)) as LanguageModel;
  const opt = createOptimizer(model.params, {
    optimizer: "adamw",
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-8,
    momentum: 0,
    weight_decay: 0.1,
  });
  const dp = await DataParallel.start(workers, "gpt-micro", cfg, backend);
  const rng = new Rng(2);
  const b = {
    x: Int32Array.from({ length: B * T }, () => rng.int(83)),
    y: Int32Array.from({ length: B * T }, () => rng.int(83)),
    batch: B,
    time: T,
  };
  const step = async () => {
    const r = await dp.gradients(model, b, 1, 0);
    opt.step(r.grads, 1e-3);
    tf.dispose(Object.values(r.grads));
  };
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const ms = (performance.now() - t0) / steps;
  dp.close();
  opt.dispose();
  model.dispose();
  return (B * T) / (ms / 1000);
}

async function torchReference(steps: number): Promise<number | null> {
  const script = fileURLToPath(new URL("../bench/torch_gpt_micro.py", import.meta.url));
  try {
    const out = await new Deno.Command("/usr/bin/python3", { args: [script, "1", String(steps)], stderr: "null" })
      .output();
    if (!out.success) return null;
    return JSON.parse(new TextDecoder().decode(out.stdout)).tokens_per_sec;
  } catch {
    return null;
  }
}

async function profile(): Promise<void> {
  await initBackend("wasm");
  const model = createModel("gpt-micro", cfg, new Rng(1)) as LanguageModel;
  const rng = new Rng(2);
  const x = Int32Array.from({ length: B * T }, () => rng.int(83)),
    y = Int32Array.from({ length: B * T }, () => rng.int(83));
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
  const torch = args.flags["no-torch"] ? null : await torchReference(steps * 2);
  const rows: [string, number][] = [
    ["wasm, 1 core", await measure("wasm", 1, steps)],
    ["wasm, 2 cores (workers=2)", await measure("wasm", 2, steps)],
    ["cpu backend (pure JS)", await measure("cpu", 1, 2)],
  ];
  if (torch !== null) rows.push(["PyTorch 1 thread (reference)", torch]);
  console.log(`gpt-micro training throughput, batch ${B} x ${T} tokens, AdamW:`);
  for (const [name, tps] of rows) {
    const ratio = torch ? `  ${(tps / torch).toFixed(2)}x PyTorch` : "";
    console.log(`  ${name.padEnd(30)} ${tps.toFixed(0).padStart(7)} tokens/s${ratio}`);
  }
  if (torch === null && !args.flags["no-torch"]) {
    console.log("  (PyTorch reference not run: /usr/bin/python3 cannot import torch; apt-get install python3-torch)");
  }
  if (args.flags.profile) await profile();
  return 0;
}

await runTask(main);
