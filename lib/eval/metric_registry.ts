/**
 * The metrics registry: built-in metrics, aliases, metrics added from code,
 * and plugins loaded from a module path, with a policy for name clashes.
 *
 * @module
 */
import { CLASSIFICATION_METRICS } from "./classification_metrics.ts";
import { LM_METRICS } from "./lm_metrics.ts";
import type { Metric } from "./metric.ts";
import { TEXT_METRICS } from "./text_metrics.ts";

/**
 * What happens when a name is already taken: `error` (the default), keep the
 * local (or built-in) one over a plugin's (`prefer-local`), keep a plugin's
 * over a local one (`prefer-plugin`), or replace it with a warning
 * (`shadow`).
 */
export type ClashPolicy = "error" | "prefer-local" | "prefer-plugin" | "shadow";

type Origin = MetricInfo["origin"];

const metrics = new Map<string, Metric & { origin: Origin }>();
const aliases = new Map<string, string>();

function add(m: Metric, origin: Origin, policy: ClashPolicy): boolean {
  if (!["error", "prefer-local", "prefer-plugin", "shadow"].includes(policy)) {
    throw new RangeError(
      `Cannot register metric: the clash policy must be error, prefer-local, prefer-plugin or shadow (got ${
        JSON.stringify(policy)
      })`,
    );
  }
  if (aliases.has(m.name)) {
    throw new Error(`Cannot register metric: "${m.name}" is an alias of ${aliases.get(m.name)}`);
  }
  const existing = metrics.get(m.name);
  if (existing) {
    const fromPlugin = (o: Origin) => o === "plugin";
    if (policy === "error") {
      throw new Error(
        `Cannot register metric: "${m.name}" is already registered (${existing.origin}); choose a clash policy`,
      );
    }
    if (policy === "prefer-local" && fromPlugin(origin) && !fromPlugin(existing.origin)) return false;
    if (policy === "prefer-plugin" && !fromPlugin(origin) && fromPlugin(existing.origin)) return false;
    if (policy === "shadow") console.warn(`Metric "${m.name}" (${existing.origin}) is shadowed by a ${origin} metric`);
  }
  metrics.set(m.name, { ...m, origin });
  return true;
}

/**
 * Adds a metric from code. By default a name clash is an error.
 *
 * @example
 * ```ts
 * import { getMetric, registerMetric } from "./metric_registry.ts";
 * registerMetric({
 *   name: "error_rate",
 *   description: "Share of wrong predictions",
 *   kind: "per-example",
 *   higherIsBetter: false,
 *   reference: "1 - accuracy",
 *   perExample: ({ predictions, references }) => predictions.map((p, i) => (p === references[i] ? 0 : 1)),
 *   compute: ({ predictions, references }) =>
 *     predictions.filter((p, i) => p !== references[i]).length / predictions.length,
 * });
 * if (getMetric("error_rate").compute({ predictions: [1, 0], references: [1, 1] }) !== 0.5) throw new Error("rate");
 * ```
 */
export function registerMetric(metric: Metric, options: { onClash?: ClashPolicy } = {}): void {
  add(_checkMetric(metric, "Cannot register metric"), "local", options.onClash ?? "error");
}

/**
 * Makes `alias` another name for metric `name`.
 *
 * @example
 * ```ts
 * import { aliasMetric, getMetric } from "./metric_registry.ts";
 * aliasMetric("acc", "accuracy");
 * if (getMetric("acc").name !== "accuracy") throw new Error("alias not resolved");
 * ```
 */
export function aliasMetric(alias: string, name: string): void {
  if (!metrics.has(name)) throw new RangeError(`Cannot alias metric: unknown metric "${name}"`);
  if (metrics.has(alias)) throw new Error(`Cannot alias metric: "${alias}" is already a metric`);
  const taken = aliases.get(alias);
  if (taken !== undefined) throw new Error(`Cannot alias metric: "${alias}" is already an alias of ${taken}`);
  aliases.set(alias, name);
}

/**
 * A metric by name or alias; the error lists the known names.
 *
 * @example
 * ```ts
 * import { getMetric } from "./metric_registry.ts";
 * const acc = getMetric("accuracy").compute({ predictions: [1, 0, 1], references: [1, 1, 1] });
 * if (Math.abs((acc as number) - 2 / 3) > 1e-12) throw new Error("wrong accuracy");
 * ```
 */
export function getMetric(name: string): Metric {
  const m = metrics.get(aliases.get(name) ?? name);
  if (!m) throw new RangeError(`Cannot find metric "${name}" (known: ${[...metrics.keys()].sort().join(", ")})`);
  return m;
}

/** A registered metric as {@linkcode listMetrics} describes it. */
export interface MetricInfo {
  /** See {@linkcode Metric}. */
  name: string;
  /** See {@linkcode Metric}. */
  description: string;
  /** See {@linkcode Metric}. */
  kind: "per-example" | "corpus";
  /** See {@linkcode Metric}. */
  higherIsBetter: boolean;
  /** See {@linkcode Metric}. */
  reference: string;
  /** Where it came from: built in, registered from code, or a plugin. */
  origin: "builtin" | "local" | "plugin";
  /** Its other names. */
  aliases: string[];
}

/**
 * Every metric, sorted by name: description, kind, direction, reference, origin and aliases.
 *
 * @example
 * ```ts
 * import { listMetrics } from "./metric_registry.ts";
 * const ppl = listMetrics().find((m) => m.name === "perplexity");
 * if (!ppl || ppl.higherIsBetter || ppl.origin !== "builtin" || !ppl.aliases.includes("ppl")) {
 *   throw new Error(JSON.stringify(ppl));
 * }
 * ```
 */
export function listMetrics(): MetricInfo[] {
  return [...metrics.values()].map((m) => ({
    name: m.name,
    description: m.description,
    kind: m.kind,
    higherIsBetter: m.higherIsBetter,
    reference: m.reference,
    origin: m.origin,
    aliases: [...aliases].filter(([, n]) => n === m.name).map(([a]) => a),
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Checks that `m` has what a metric needs; `context` starts the error message. */
export function _checkMetric(m: unknown, context: string): Metric {
  const x = m as Partial<Metric> | null;
  const name = typeof x?.name === "string" ? x.name : "";
  const fail = (what: string) => {
    throw new TypeError(`${context}${name ? ` ("${name}")` : ""}: ${what}`);
  };
  if (!x || typeof x !== "object") return fail("a metric must be an object");
  if (!name) fail("it needs a name");
  if (x.kind !== "per-example" && x.kind !== "corpus") fail("kind must be per-example or corpus");
  if (typeof x.compute !== "function") fail("it needs a compute function");
  if (x.perExample !== undefined && typeof x.perExample !== "function") fail("perExample must be a function");
  return {
    description: "",
    higherIsBetter: true,
    reference: "",
    ...x,
  } as Metric;
}

/**
 * Loads metrics from a module (a plugin) that exports `metrics: Metric[]`
 * (or a default export of that array). Returns the names added.
 *
 * @example
 * ```ts ignore
 * import { loadMetricPlugin } from "./metric_registry.ts";
 * await loadMetricPlugin("./my_metrics.ts", { onClash: "prefer-local" });
 * ```
 */
export async function loadMetricPlugin(path: string, options: { onClash?: ClashPolicy } = {}): Promise<string[]> {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : new URL(path, `file://${Deno.cwd()}/`).href;
  let mod: { metrics?: unknown; default?: unknown };
  try {
    // A user's module, always an absolute URL here: `deno publish` warns that it cannot analyze this import, as intended.
    mod = await import(url);
  } catch (err) {
    throw new Error(`Cannot load metric plugin ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  const list = mod.metrics ?? mod.default;
  if (!Array.isArray(list)) throw new TypeError(`Cannot load metric plugin ${path}: it exports no metrics array`);
  const checked = list.map((m, i) => _checkMetric(m, `Cannot load metric plugin ${path}: metrics[${i}]`));
  return checked.filter((m) => add(m, "plugin", options.onClash ?? "error")).map((m) => m.name);
}

for (const m of [...CLASSIFICATION_METRICS, ...LM_METRICS, ...TEXT_METRICS]) add(m, "builtin", "error");
aliasMetric("f1_score", "f1");
aliasMetric("auc", "roc_auc");
aliasMetric("ppl", "perplexity");
aliasMetric("em", "exact_match");
