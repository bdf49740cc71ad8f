/**
 * `deno task train [key=value ...]`: trains the configured language model.
 *
 * @module
 */
import {
  applyOverrides,
  DEFAULT_CONFIG,
  findRunDir,
  formatDuration,
  formatRate,
  listDatasets,
  listModels,
  modelPresets,
  parseTaskArgs,
  ProgressLine,
  readRunConfig,
  type RunConfig,
  trainLanguageModel,
} from "../mod.ts";

const HELP = `Usage: deno task train [key=value ...]

Trains a GPT-2-style character-level language model and writes a run folder
under artifacts/runs/<run_id>/ (run.json, config.yaml, metrics.ndjson,
events.ndjson, system.ndjson, samples.ndjson, checkpoints/, summary.json).

With no arguments it runs the embedded default: Moby-Dick, a char tokenizer,
gpt-micro (4 layers, 4 heads, 128 dims, context 64), batch 12, AdamW with
warmup and cosine decay, ${DEFAULT_CONFIG.train.max_steps} steps, the batch split over 2 cores
(about 2 minutes 10 seconds on this 2-core machine).

Overrides (Hydra style):
  model=NAME            model preset: ${Object.keys(modelPresets()).join(", ")}
  data=NAME             dataset: ${
  listDatasets().filter((d) => d.task === "language-modeling").map((d) => d.name).join(", ")
}
  seed=N                one seed for init, batches, dropout and sampling (${DEFAULT_CONFIG.seed})
  backend=NAME          wasm (default), cpu, node (needs @tensorflow/tfjs-node), auto
  out_dir=PATH          where runs go (${DEFAULT_CONFIG.out_dir})
  resume=RUN_ID         continue that run in place from its newest good checkpoint
                        (other overrides apply on top of its config; model, tokenizer
                        and data keys cannot change)
  init_from=RUN_ID      start a new run from that run's best checkpoint (fine-tuning)
  model.KEY=V           n_layer, n_head, n_embd, block_size, dropout
  train.KEY=V           max_steps, batch_size, grad_accum_steps, optimizer (adamw|sgd),
                        momentum, schedule (cosine|linear|constant), lr, min_lr,
                        warmup_steps, weight_decay, beta1, beta2, eps, grad_clip,
                        eval_interval, eval_batches, log_interval,
                        early_stopping_patience, keep_last, keep_best
  data.val_fraction=F   held-out tail of the text (${DEFAULT_CONFIG.data.val_fraction})
  sample.KEY=V          max_new_tokens, temperature, top_k, prompt

Flags:
  --resume RUN_ID       same as resume=RUN_ID
  --print-config        print the resolved config and exit
  --list-models         list the model presets and exit
  -h, --help            show this help

Ctrl-C stops after the current step, writes a final checkpoint and marks the
run "interrupted"; "deno task train resume=RUN_ID" continues it, and the losses
match those of a run that was never stopped.

Examples:
  deno task train
  deno task train model=gpt-nano train.max_steps=200 seed=7
`;

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    "print-config": { type: "boolean" },
    resume: { type: "string" },
    "list-models": { type: "boolean" },
  });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  if (args.flags["list-models"]) {
    for (const m of listModels()) {
      console.log(`${m.name.padEnd(10)} ${formatRate(m.params).padStart(7)} params  ${m.description}`);
    }
    return 0;
  }
  // The trainer trains language models: classification corpora are not offered for data=.
  const datasets = Object.fromEntries(
    listDatasets().filter((d) => d.task === "language-modeling").map((d) => [d.name, {}]),
  );
  const presets = { model: modelPresets(), data: datasets };
  // resume=ID continues a run: its saved config is the base the overrides apply to.
  const resumeArg = args.overrides.find((o) => o.startsWith("resume="));
  const resume = (args.flags.resume as string | undefined) ?? resumeArg?.slice("resume=".length);
  const overrides = args.overrides.filter((o) => o !== resumeArg);
  let base: RunConfig = DEFAULT_CONFIG;
  if (resume !== undefined) {
    if (!resume) throw new SyntaxError("Cannot resume: resume= needs a run id (see artifacts/runs/)");
    const outDir = applyOverrides(DEFAULT_CONFIG, overrides.filter((o) => o.startsWith("out_dir="))).out_dir;
    base = await readRunConfig(await findRunDir(outDir, resume));
  }
  const config = applyOverrides(base, overrides, presets);
  if (args.flags["print-config"]) {
    console.log(JSON.stringify(config, null, 2));
    return 0;
  }

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) Deno.exit(130);
    abort.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const progress = new ProgressLine(config.train.log_interval);
  try {
    const r = await trainLanguageModel(config, {
      ...(resume ? { resume } : {}),
      signal: abort.signal,
      log: (m) => progress.log(m),
      callbacks: {
        onTrainStart: (s) =>
          progress.log(
            `codex train: run ${s.runId} | ${config.model.name} (${
              formatRate(s.numParams)
            } params, vocab ${s.vocabSize}) ` +
              `on ${config.data.name} | backend ${s.backend}${
                config.backend === "auto" ? ` (${s.backendReason})` : ""
              } | seed ${config.seed}\n  folder ${s.dir}`,
          ),
        onStepEnd: (p) =>
          progress.update(
            `step ${p.step}/${p.maxSteps} | loss ${p.loss.toFixed(4)} | lr ${p.lr.toExponential(2)} | ` +
              `${formatRate(p.tokensPerSec)} tok/s | ${formatDuration(p.elapsedMs / 1000)} elapsed | ` +
              `${formatDuration(p.etaMs / 1000)} left`,
          ),
        onEvalEnd: (e) =>
          progress.log(
            `  eval @ step ${e.step}: val loss ${e.valLoss.toFixed(4)}${e.full ? " (whole validation split)" : ""}`,
          ),
      },
    });
    progress.done();
    const b = r.baselines;
    const stopNote = r.stop_reason === "early_stopping"
      ? " (early stopping)"
      : r.resumed_from_step
      ? ` (resumed at step ${r.resumed_from_step})`
      : "";
    console.log(`
Run ${r.run_id} ${r.status} after ${r.steps} steps${stopNote} (${formatDuration(r.wall_time_s)} wall, ${
      formatDuration(r.train_time_s)
    } training, loop overhead ${r.loop_overhead_pct.toFixed(1)}%)
  train loss  ${r.final_train_loss.toFixed(4)} (mean of the last ${config.train.log_interval} steps)
  val loss    ${r.final_val_loss.toFixed(4)} nats/char (best ${r.best_val_loss.toFixed(4)}; unigram ${
      b.unigram_val_loss.toFixed(2)
    }, bigram ${b.bigram_val_loss.toFixed(2)})
  throughput  ${formatRate(r.tokens_per_sec)} tokens/s
  folder      ${r.dir}
  best ckpt   ${r.best_checkpoint ?? "none"}

Sample (seed ${config.seed}, temperature ${config.sample.temperature}):
${r.sample.split("\n").map((l) => "  | " + l).join("\n")}

Look further:
  cat ${r.dir}/summary.json
  grep '"split":"val"' ${r.dir}/metrics.ndjson`);
    return r.status === "finished" ? 0 : 130;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
}

try {
  Deno.exit(await main());
} catch (err) {
  console.error(`error: ${(err as Error).message.split("\n")[0]}`);
  Deno.exit(1);
}
