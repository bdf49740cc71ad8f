/**
 * `checkRegistries`: what each registry holds (models, datasets,
 * tokenizers, metrics, trackers) and whether each entry loads, checked
 * cheaply on the real registries of the code.
 *
 * @module
 */
import { listDatasets, loadText } from "../data/mod.ts";
import { getMetric, listMetrics } from "../eval/mod.ts";
import { createModel, listModels, resolveModelConfig } from "../models/mod.ts";
import { checkRecord, crc32c, mlflowOptionsFromEnv, scalarRecord, SCHEMA_VERSION } from "../telemetry/mod.ts";
import { loadTokenizer, TOKENIZER_NAMES, TOKENIZER_TYPES, trainTokenizer } from "../tokenizers/mod.ts";
import type { FindingInput } from "./finding.ts";

/** The registries checked. */
export type RegistryName = "models" | "datasets" | "tokenizers" | "metrics" | "trackers";

/** One registry entry and whether it loads. */
export interface RegistryEntry {
  registry: RegistryName;
  name: string;
  ok: boolean;
  /** What it is (ok), or why it failed. */
  detail: string;
}

/** Options of {@linkcode checkRegistries}. */
export interface CheckRegistriesOptions {
  /** Build (and dispose) models of at most this many parameters at their defaults (default 1,000,000). */
  buildLimit?: number;
  /** Read each dataset's text (default true; about half a second for the built-in corpora). */
  loadData?: boolean;
}

/** What {@linkcode checkRegistries} returns: every entry, and a finding per entry that fails. */
export interface RegistryCheck {
  entries: RegistryEntry[];
  findings: FindingInput[];
}

const _SOURCES: Record<RegistryName, string> = {
  models: "lib/models/registry.ts",
  datasets: "lib/data/dataset_registry.ts",
  tokenizers: "lib/tokenizers/load_tokenizer.ts",
  metrics: "lib/eval/metric_registry.ts",
  trackers: "lib/telemetry/mod.ts",
};

const _SAMPLE = "Call me Ishmael. Some years ago, never mind how long precisely, I thought I would sail about.";

async function _check(
  registry: RegistryName,
  name: string,
  run: () => string | Promise<string>,
): Promise<RegistryEntry> {
  try {
    return { registry, name, ok: true, detail: await run() };
  } catch (err) {
    return { registry, name, ok: false, detail: (err as Error).message.split("\n")[0]! };
  }
}

/**
 * Checks every entry of every registry, in registry then name order. What
 * "loads" means, per registry (cheap on purpose: no 124 M-parameter model
 * is built):
 *
 * - models: the defaults pass the entry's schema and the parameter count
 *   computes; models of at most `buildLimit` parameters are also built and
 *   disposed, and must have that many parameters;
 * - datasets: the text loads (from the npm package on disk) and is not empty;
 * - tokenizers: each named encoding loads (`gpt2`) and each trainable type
 *   trains on a sentence and round-trips it;
 * - metrics: the name resolves to a metric with a `compute` function;
 * - trackers: `ndjson` (every run: its record layout checks), `tensorboard`
 *   (CRC-32C gives its check value and a scalar event frames) and `mlflow`
 *   (options parse from a tracking URI; on when `MLFLOW_TRACKING_URI` is set).
 *
 * @example
 * ```ts ignore
 * import { checkRegistries } from "./check_registries.ts";
 * const { entries, findings } = await checkRegistries({ loadData: false });
 * console.log(entries.filter((e) => e.registry === "models").map((e) => e.name), findings.length);
 * ```
 */
export async function checkRegistries(options: CheckRegistriesOptions = {}): Promise<RegistryCheck> {
  const buildLimit = options.buildLimit ?? 1_000_000;
  const entries: RegistryEntry[] = [];

  for (const m of listModels()) {
    entries.push(
      await _check("models", m.name, () => {
        resolveModelConfig(m.name);
        let built = "";
        if (m.params <= buildLimit) {
          const model = createModel(m.name);
          try {
            const n = model.countParams();
            if (n !== m.params) throw new Error(`built with ${n} parameters, but the registry counts ${m.params}`);
          } finally {
            model.dispose();
          }
          built = ", built";
        }
        return `${m.family}, ${m.task}, ${m.params.toLocaleString("en-US")} params${built}`;
      }),
    );
  }

  for (const d of listDatasets()) {
    entries.push(
      await _check("datasets", d.name, async () => {
        if (options.loadData === false) return `${d.task} (not loaded)`;
        const text = await loadText(d.name);
        if (text.length === 0) throw new Error("Cannot load dataset: its text is empty");
        return `${d.task}, ${text.length.toLocaleString("en-US")} chars`;
      }),
    );
  }

  for (const name of TOKENIZER_NAMES) {
    entries.push(
      await _check("tokenizers", name, async () => {
        const tok = await loadTokenizer(name);
        return `${tok.type}, ${tok.vocabSize.toLocaleString("en-US")} ids`;
      }),
    );
  }
  for (const type of TOKENIZER_TYPES) {
    entries.push(
      await _check("tokenizers", type, async () => {
        const tok = await trainTokenizer({ type, vocabSize: type === "bpe" ? 300 : 60 }, [_SAMPLE]);
        const back = tok.decode(tok.encode(_SAMPLE));
        if (back.trim().length === 0) throw new Error("Cannot train tokenizer: decoding gave nothing back");
        return `trainable (${tok.vocabSize} ids on a sentence)`;
      }),
    );
  }

  for (const info of listMetrics()) {
    entries.push(
      await _check("metrics", info.name, () => {
        const m = getMetric(info.name);
        if (typeof m.compute !== "function") throw new TypeError("Cannot use metric: it has no compute function");
        const aliases = info.aliases.length ? `, aka ${info.aliases.join(", ")}` : "";
        return `${info.kind}, ${info.higherIsBetter ? "higher" : "lower"} is better, ${info.origin}${aliases}`;
      }),
    );
  }

  entries.push(
    await _check("trackers", "ndjson", () => {
      const problems = checkRecord("metrics", {
        schema_version: SCHEMA_VERSION,
        run_id: "x",
        step: 1,
        epoch: 0,
        split: "train",
        metric: "loss",
        value: 1,
        ts: "2026-01-01T00:00:00.000Z",
        tokens_seen: 1,
      });
      if (problems.length) throw new Error(`Cannot write records: ${problems.join("; ")}`);
      return "always on: run folder NDJSON";
    }),
    await _check("trackers", "tensorboard", () => {
      const crc = crc32c(new TextEncoder().encode("123456789"));
      if (crc !== 0xe3069283) throw new Error(`Cannot write event files: CRC-32C("123456789") is ${crc.toString(16)}`);
      if (scalarRecord("train/loss", 1, 1, 0).length < 16) throw new Error("Cannot write event files: a short record");
      return "on with tracking.tensorboard (default): runs/<id>/tb/events.out.tfevents.*";
    }),
    await _check("trackers", "mlflow", () => {
      const o = mlflowOptionsFromEnv(new Map([["MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"]]));
      if (o === null) throw new Error("Cannot use MLflow: a tracking URI gave no options");
      return "on when MLFLOW_TRACKING_URI is set: REST export of each run";
    }),
  );

  const order: RegistryName[] = ["models", "datasets", "tokenizers", "metrics", "trackers"];
  entries.sort((a, b) =>
    order.indexOf(a.registry) - order.indexOf(b.registry) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
  const findings = entries.filter((e) => !e.ok).map((e): FindingInput => ({
    kind: "registry",
    rule: "load_failed",
    severity: "error",
    path: _SOURCES[e.registry],
    symbol: `${e.registry}/${e.name}`,
    message: `${e.registry} entry ${e.name} does not load: ${e.detail}`,
  }));
  return { entries, findings };
}
