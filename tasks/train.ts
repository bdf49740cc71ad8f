/**
 * `deno task train [key=value ...]`: trains the configured language model.
 *
 * @module
 */
import {
  applyOverrides,
  compose,
  configGroups,
  configToYaml,
  DEFAULT_CONFIG,
  exportRunToMlflow,
  findRunDir,
  formatDuration,
  formatRate,
  getModelEntry,
  listModels,
  listRunIds,
  medianStop,
  mlflowOptionsFromEnv,
  modelPresets,
  newRunId,
  parseHydraOverride,
  parseTaskArgs,
  ProgressLine,
  randomTrials,
  readRunConfig,
  type RunConfig,
  runLimited,
  runTask,
  sweepTrials,
  type TrackerStatus,
  trainClassifier,
  trainLanguageModel,
  type TrialEval,
  TrialPruned,
  writeJsonAtomic,
} from "../mod.ts";
import { fileURLToPath } from "node:url";

async function help(): Promise<string> {
  const groups = await configGroups(CONFIG_DIR);
  const groupLines = Object.entries(groups).map(([g, o]) => `  ${`${g}=OPTION`.padEnd(20)} ${o.join(", ")}`).join("\n");
  return `Usage: deno task train [override ...]
       deno task train -m [override with a,b,c values ...]    (a sweep)
       deno task train resume=RUN_ID [override ...]

Trains a GPT-2-style character-level language model and writes a run folder
under artifacts/runs/<run_id>/ (run.json, config.yaml, metrics.ndjson,
events.ndjson, system.ndjson, samples.ndjson, checkpoints/, summary.json).

With no overrides it runs configs/config.yaml: Moby-Dick, a char tokenizer,
gpt-micro (4 layers, 4 heads, 128 dims, context 64), batch 12 split over 2 cores,
AdamW with warmup and cosine decay, ${DEFAULT_CONFIG.train.max_steps} steps (about 2 minutes here).

Config groups (configs/<group>/<option>.yaml):
${groupLines}

Overrides (Hydra's grammar):
  key=value             set a key: seed=7, train.lr=3e-4, sample.prompt="Call me"
  +key=value            add a key that is not there: +train.tags=[baseline,char]
  ++key=value           add or set
  ~key                  delete a key: ~eval.bootstrap
  group=option          choose a group option: model=gpt-nano, data=first-names, train=quick
  values (Hydra's grammar): numbers (1_000, inf), true/false, null, 'quoted', a\\,b, [a,b], {a:1,b:2};
  \${train.lr}, \${.lr} and \${env:NAME,default} interpolate
  resume=RUN_ID         continue that run in place from its newest good checkpoint
  init_from=RUN_ID      start from that run's best checkpoint (with lora=attn: LoRA fine-tuning)

Flags:
  --cfg                 print the composed config as YAML and exit
  -m, --multirun        sweep: every combination of comma-separated values runs as its own
                        subprocess (train.lr=1e-3,3e-3 model=gpt-nano,gpt-micro: 4 runs);
                        also choice(a,b), range(1,5), glob(gpt-*), sort/shuffle/tag, casts
  --concurrency N       trials at a time (default: cores / train.workers)
  --resume RUN_ID       same as resume=RUN_ID
  --list-models         list the model presets and exit
  -h, --help            show this help

Sweep settings (with -m; see docs/sweeps.md):
  hydra/sweeper=basic   the grid of every combination (default)
  hydra/sweeper=random  sweep.n draws (default 10) with sweep.seed (default 0), from
                        interval(a,b), tag(log,interval(a,b)), choice(...), range(...)
  sweep.early_stop=median  stop (prune) a trial whose best val loss is worse than the
                        median of the other trials' at the same evaluation step

Ctrl-C stops after the current step, writes a final checkpoint and marks the
run "interrupted"; "deno task train resume=RUN_ID" continues it, and the losses
match those of a run that was never stopped.

Examples:
  deno task train
  deno task train model=gpt-nano train=quick seed=7
  deno task train -m train.lr=1e-3,3e-3 model=gpt-nano,gpt-micro train=quick
  deno task train -m hydra/sweeper=random sweep.n=8 sweep.early_stop=median \\
    'train.lr=tag(log,interval(1e-4,1e-2))' model=gpt-nano train=quick
`;
}

const CONFIG_DIR = fileURLToPath(new URL("../configs", import.meta.url));

/** The sweep's own settings: `hydra/sweeper=basic|random`, `sweep.n`, `sweep.seed`, `sweep.early_stop`. */
interface SweepSettings {
  sweeper: "basic" | "random";
  n: number;
  seed: number;
  earlyStop: "none" | "median";
  /** The overrides left for the trials. */
  overrides: string[];
}

const isSweepSetting = (o: string) => /^(hydra\/sweeper|sweep\.[\w-]+)=/.test(o);

function sweepSettings(overrides: string[]): SweepSettings {
  const out: SweepSettings = { sweeper: "basic", n: 10, seed: 0, earlyStop: "none", overrides: [] };
  for (const o of overrides) {
    if (!isSweepSetting(o)) {
      out.overrides.push(o);
      continue;
    }
    const { key, value } = parseHydraOverride(o);
    if (key === "hydra/sweeper") {
      if (value !== "basic" && value !== "random") {
        throw new RangeError(`Cannot sweep: unknown hydra/sweeper "${value}" (available: basic, random)`);
      }
      out.sweeper = value;
    } else if (key === "sweep.n" || key === "sweep.seed") {
      if (!(typeof value === "number" && Number.isInteger(value) && (key === "sweep.seed" ? value >= 0 : value > 0))) {
        throw new RangeError(
          `Cannot sweep: ${key} must be a ${key === "sweep.n" ? "positive" : "non-negative"} integer (got ${value})`,
        );
      }
      if (key === "sweep.n") out.n = value;
      else out.seed = value;
    } else if (key === "sweep.early_stop") {
      if (value !== "none" && value !== "median") {
        throw new RangeError(`Cannot sweep: sweep.early_stop must be none or median (got ${value})`);
      }
      out.earlyStop = value;
    } else throw new RangeError(`Cannot sweep: unknown setting ${key} (known: sweep.n, sweep.seed, sweep.early_stop)`);
  }
  return out;
}

/** Runs the sweep's trials (the grid, or random draws), each as its own subprocess. */
async function runSweep(args: string[], concurrency: number | undefined): Promise<number> {
  const settings = sweepSettings(args);
  const overrides = settings.overrides;
  const groupOptions = await configGroups(CONFIG_DIR);
  const trials = settings.sweeper === "random"
    ? randomTrials(overrides, { n: settings.n, seed: settings.seed, groupOptions })
    : sweepTrials(overrides, { groupOptions });
  // The table shows what varies between trials.
  const varying = overrides.map((_, k) => new Set(trials.map((t) => t[k])).size > 1);
  const shown = (t: string[]) => t.filter((_, k) => varying[k]).join(" ") || "(no swept values)";
  // Compose every trial first: a bad key fails the sweep before anything runs.
  const configs = await Promise.all(trials.map((t) => compose("config", t, { configDir: CONFIG_DIR })));
  const sweepId = `sweep-${newRunId()}`;
  const logDir = `artifacts/sweeps/${sweepId}`;
  await Deno.mkdir(logDir, { recursive: true });
  // The trials read the sweep's settings (early stopping) from here.
  await writeJsonAtomic(`${logDir}/sweep.json`, {
    sweep_id: sweepId,
    sweeper: settings.sweeper,
    ...(settings.sweeper === "random" ? { n: settings.n, seed: settings.seed } : {}),
    early_stop: settings.earlyStop,
    overrides,
    trials,
  });
  const cores = navigator.hardwareConcurrency || 1;
  const limit = concurrency ?? Math.max(1, Math.floor(cores / Math.max(...configs.map((c) => c.train.workers))));
  const task = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks.train as string;
  const runArgs = task.split(/\s+/).slice(1); // the task's own permissions, without "deno"
  console.log(
    `codex sweep ${sweepId}: ${trials.length} trials (${settings.sweeper} sweeper${
      settings.sweeper === "random" ? `, seed ${settings.seed}` : ""
    }${settings.earlyStop === "median" ? ", median early stopping" : ""}), ${limit} at a time; logs in ${logDir}/`,
  );
  const results = await runLimited(
    trials.map((t, i) => async () => {
      const name = `${sweepId}-t${i}`;
      const t0 = performance.now();
      const out = await new Deno.Command(Deno.execPath(), {
        args: [...runArgs, ...t, `name=${name}`],
        env: { CODEX_SWEEP_ID: sweepId },
        stdout: "piped",
        stderr: "piped",
      }).output();
      await Deno.writeFile(`${logDir}/trial-${i}.log`, new Uint8Array([...out.stderr, ...out.stdout]));
      const code = out.code;
      console.log(`  trial ${i} ${code === 0 ? "finished" : `failed (exit ${code})`}: ${shown(t)}`);
      return { trial: i, overrides: shown(t), name, code, wall_s: (performance.now() - t0) / 1000 };
    }),
    limit,
  );
  // Match trials to their runs through the run names.
  const outDirs = [...new Set(configs.map((c) => c.out_dir))];
  const runs = new Map<string, { run_id: string; status: string; val: number | null; val_per_char: number | null }>();
  for (const dir of outDirs) {
    for (const id of await listRunIds(dir)) {
      const info = JSON.parse(await Deno.readTextFile(`${dir}/${id}/run.json`));
      if (info.sweep_id !== sweepId) continue;
      let val: number | null = null, valPerChar: number | null = null;
      try {
        const summary = JSON.parse(await Deno.readTextFile(`${dir}/${id}/summary.json`));
        val = summary.final_val_loss;
        valPerChar = summary.final_val_nats_per_char ?? null; // language models: comparable across tokenizers
      } catch {
        // no summary: the trial failed
      }
      runs.set(info.name, { run_id: id, status: info.status, val, val_per_char: valPerChar });
    }
  }
  const rows = results.map((r) => ({
    ...r,
    ...(runs.get(r.name) ?? { run_id: "", status: "failed", val: null, val_per_char: null }),
  }));
  const perChar = rows.some((r) => r.val_per_char !== null && r.val_per_char !== r.val);
  const head = ["trial", "overrides", "status", "val loss", ...(perChar ? ["nats/char"] : []), "wall", "run"];
  const cells = rows.map((r) => [
    String(r.trial),
    r.overrides,
    r.code === 0 ? r.status : `failed (exit ${r.code}, see trial-${r.trial}.log)`,
    r.val === null ? "" : r.val.toFixed(4),
    ...(perChar ? [r.val_per_char === null ? "" : r.val_per_char.toFixed(4)] : []),
    formatDuration(r.wall_s),
    r.run_id,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(["", line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n"));
  await writeJsonAtomic(`${logDir}/summary.json`, { sweep_id: sweepId, trials: rows });
  const failed = rows.filter((r) => r.code !== 0).length;
  const pruned = rows.filter((r) => r.code === 0 && r.status === "pruned").length;
  console.log(
    `\n${rows.length - failed - pruned} of ${rows.length} trials finished${
      pruned ? `, ${pruned} pruned` : ""
    }; summary in ${logDir}/summary.json`,
  );
  return failed ? 1 : 0;
}

/**
 * A sweep trial's median stopping rule (`sweep.early_stop=median` in the
 * sweep's sweep.json): after each evaluation the trial (named
 * `<sweep_id>-t<N>`) writes its best val loss to the sweep's evals.ndjson
 * and stops (pruned) when it is worse than the median of the other trials'
 * at the same step. The last evaluation never stops a trial.
 */
function medianStopping(config: RunConfig, abort: AbortController): (step: number, valLoss: number) => void {
  const sweepId = Deno.env.get("CODEX_SWEEP_ID");
  const trialMatch = /-t(\d+)$/.exec(config.name);
  if (!sweepId || !trialMatch) return () => {};
  const dir = `artifacts/sweeps/${sweepId}`, trial = Number(trialMatch[1]);
  try {
    if (JSON.parse(Deno.readTextFileSync(`${dir}/sweep.json`)).early_stop !== "median") return () => {};
  } catch {
    return () => {}; // not started by a sweep of this folder
  }
  const file = `${dir}/evals.ndjson`;
  let best = Infinity;
  return (step, valLoss) => {
    best = Math.min(best, valLoss);
    const current: TrialEval = { trial, step, best };
    // One short line per append: concurrent trials do not interleave within it.
    Deno.writeTextFileSync(file, JSON.stringify(current) + "\n", { append: true });
    if (step >= config.train.max_steps || abort.signal.aborted) return;
    const evals = Deno.readTextFileSync(file).split("\n").filter(Boolean).map((l) => JSON.parse(l) as TrialEval);
    const d = medianStop(evals, current);
    if (d.stop) {
      abort.abort(
        new TrialPruned(
          `median stopping rule: best val loss ${best.toFixed(4)} at step ${step} is worse than the median ${
            d.median!.toFixed(4)
          } of ${d.others} other trial${d.others === 1 ? "" : "s"}`,
          { rule: "median", step, best_val_loss: best, median: d.median, others: d.others },
        ),
      );
    }
  };
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    cfg: { type: "boolean" },
    resume: { type: "string" },
    "list-models": { type: "boolean" },
    multirun: { type: "boolean", short: "m" },
    concurrency: { type: "string" },
  });
  if (args.flags.help) {
    console.log(await help());
    return 0;
  }
  if (args.flags["list-models"]) {
    for (const m of listModels()) {
      console.log(`${m.name.padEnd(10)} ${formatRate(m.params).padStart(7)} params  ${m.description}`);
    }
    return 0;
  }
  // resume=ID continues a run: its saved config is the base the overrides apply to.
  const resumeArg = args.overrides.find((o) => o.startsWith("resume="));
  const resume = (args.flags.resume as string | undefined) ?? resumeArg?.slice("resume=".length);
  const overrides = args.overrides.filter((o) => o !== resumeArg);
  if (args.flags.multirun) {
    if (resume !== undefined) throw new SyntaxError("Cannot sweep: -m and resume= do not go together");
    const c = args.flags.concurrency === undefined ? undefined : Number(args.flags.concurrency);
    if (c !== undefined && !(Number.isInteger(c) && c > 0)) {
      throw new RangeError(`Cannot sweep: --concurrency must be a positive integer (got ${args.flags.concurrency})`);
    }
    return await runSweep(overrides, c);
  }
  const setting = overrides.find(isSweepSetting);
  if (setting) throw new SyntaxError(`Cannot train: ${setting} is a sweep setting; add -m to sweep`);
  let config: RunConfig;
  if (resume !== undefined) {
    if (!resume) throw new SyntaxError("Cannot resume: resume= needs a run id (see artifacts/runs/)");
    const outDir = applyOverrides(DEFAULT_CONFIG, overrides.filter((o) => o.startsWith("out_dir="))).out_dir;
    const base = await readRunConfig(await findRunDir(outDir, resume));
    config = applyOverrides(base, overrides, { model: modelPresets() });
  } else {
    config = await compose("config", overrides, { configDir: CONFIG_DIR });
  }
  if (args.flags.cfg) {
    console.log(configToYaml(config).trimEnd());
    return 0;
  }

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) Deno.exit(130);
    abort.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const progress = new ProgressLine(config.train.log_interval);
  const mlflow = mlflowOptionsFromEnv();
  // The banner's trackers: where each writes, or why it is off (the run goes on without it).
  const trackers = (list: TrackerStatus[] = []) =>
    `\n  trackers ${
      [
        "ndjson",
        ...list.filter((t) => t.name !== "ndjson").map((t) => `${t.name} ${t.error ? `off (${t.error})` : t.where}`),
        ...(mlflow ? [`mlflow ${mlflow.trackingUri}`] : []),
      ].join(", ")
    }`;
  // MLflow mirrors a run that has ended; its failure is a warning, the run itself is kept either way.
  const exportToMlflow = async (dir: string) => {
    if (!mlflow) return;
    try {
      console.log(`  mlflow      ${(await exportRunToMlflow(dir, mlflow)).url}`);
    } catch (err) {
      console.warn(`warning: ${(err as Error).message}`);
    }
  };
  try {
    const sweepId = Deno.env.get("CODEX_SWEEP_ID");
    const onEval = medianStopping(config, abort);
    const common = {
      ...(resume ? { resume } : {}),
      ...(sweepId ? { sweepId } : {}),
      signal: abort.signal,
      log: (m: string) => progress.log(m),
    };
    if (getModelEntry(config.model.name).task === "classification") {
      const r = await trainClassifier(config, {
        ...common,
        callbacks: {
          onTrainStart: (s) =>
            progress.log(
              `codex train: run ${s.runId} | ${config.model.name} (${
                formatRate(s.numParams)
              } params, vocab ${s.vocabSize}) ` +
                `on ${config.data.name} | classification | seed ${config.seed}\n  folder ${s.dir}${
                  trackers(s.trackers)
                }`,
            ),
          onStepEnd: (p) =>
            progress.update(
              `step ${p.step}/${p.maxSteps} | loss ${p.loss.toFixed(4)} | lr ${p.lr.toExponential(2)} | ` +
                `${formatDuration(p.elapsedMs / 1000)} elapsed | ${formatDuration(p.etaMs / 1000)} left`,
            ),
          onEvalEnd: (e) => {
            progress.log(`  eval @ step ${e.step}: val loss ${e.valLoss.toFixed(4)}`);
            onEval(e.step, e.valLoss);
          },
        },
      });
      progress.done();
      const f = (x: { loss: number; accuracy: number; macro_f1: number }) =>
        `loss ${x.loss.toFixed(4)}, accuracy ${x.accuracy.toFixed(4)}, macro-F1 ${x.macro_f1.toFixed(4)}`;
      console.log(`
Run ${r.run_id} ${r.status} after ${r.steps} steps (${r.epochs.toFixed(2)} epochs, ${
        formatDuration(r.wall_time_s)
      } wall)
  labels      ${r.labels.join(", ")}
  val         ${f(r.val)}
  test        ${f(r.test)} (majority class: accuracy ${r.majority_accuracy.toFixed(4)})
  folder      ${r.dir}

Look further:
  deno task eval run=${r.run_id}
  cat ${r.dir}/summary.json`);
      await exportToMlflow(r.dir);
      return r.status === "interrupted" ? 130 : 0;
    }
    const r = await trainLanguageModel(config, {
      ...common,
      callbacks: {
        onTrainStart: (s) =>
          progress.log(
            `codex train: run ${s.runId} | ${config.model.name} (${
              formatRate(s.numParams)
            } params, vocab ${s.vocabSize}) ` +
              `on ${config.data.name} | backend ${s.backend}${
                // auto says what it chose; a backend that could not start says why it fell back
                config.backend === "auto" || s.backend !== config.backend
                  ? ` (${s.backendReason})`
                  : ""} | seed ${config.seed}\n  folder ${s.dir}${trackers(s.trackers)}`,
          ),
        onStepEnd: (p) =>
          progress.update(
            `step ${p.step}/${p.maxSteps} | loss ${p.loss.toFixed(4)} | lr ${p.lr.toExponential(2)} | ` +
              `${formatRate(p.tokensPerSec)} tok/s | ${formatDuration(p.elapsedMs / 1000)} elapsed | ` +
              `${formatDuration(p.etaMs / 1000)} left`,
          ),
        onEvalEnd: (e) => {
          progress.log(
            `  eval @ step ${e.step}: val loss ${e.valLoss.toFixed(4)}${e.full ? " (whole validation split)" : ""}`,
          );
          onEval(e.step, e.valLoss);
        },
      },
    });
    progress.done();
    const b = r.baselines;
    // Token losses of other tokenizers are also given per character, which compares across tokenizers.
    const unit = config.tokenizer.name === "char" ? "char" : "token";
    const perChar = unit === "char" ? "" : `
              ${r.final_val_nats_per_char.toFixed(4)} nats/char (${
      r.val_chars_per_token.toFixed(2)
    } characters per token)`;
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
  val loss    ${r.final_val_loss.toFixed(4)} nats/${unit} (best ${r.best_val_loss.toFixed(4)}; unigram ${
      b.unigram_val_loss.toFixed(2)
    }, bigram ${b.bigram_val_loss.toFixed(2)})${perChar}
  throughput  ${formatRate(r.tokens_per_sec)} tokens/s
  folder      ${r.dir}
  best ckpt   ${r.best_checkpoint ?? "none"}

Sample (seed ${config.seed}, temperature ${config.sample.temperature}):
${r.sample.split("\n").map((l) => "  | " + l).join("\n")}

Look further:
  deno task sql "SELECT step, value FROM metrics WHERE run_id = '${r.run_id}' AND split = 'val'"
  deno task eval run=${r.run_id}
  cat ${r.dir}/summary.json`);
    await exportToMlflow(r.dir);
    return r.status === "interrupted" ? 130 : 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
}

await runTask(main);
