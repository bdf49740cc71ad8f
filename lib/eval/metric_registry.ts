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

/** What happens when a name is already taken. */
export type ClashPolicy = "error" | "prefer-local" | "prefer-plugin" | "shadow";

const metrics = new Map<string, Metric & { origin: "builtin" | "local" | "plugin" }>();
const aliases = new Map<string, string>();

function add(m: Metric, origin: "builtin" | "local" | "plugin", policy: ClashPolicy): boolean {
  const existing = metrics.get(m.name);
  if (existing) {
    if (policy === "error") {
      throw new Error(
        `Cannot register metric: "${m.name}" is already registered (${existing.origin}); choose a clash policy`,
      );
    }
    if (policy === "prefer-local" && origin === "plugin") return false;
    if (policy === "prefer-plugin" && origin !== "plugin" && existing.origin === "plugin") return false;
    if (policy === "shadow") console.warn(`Metric "${m.name}" (${existing.origin}) is shadowed by a ${origin} metric`);
  }
  metrics.set(m.name, { ...m, origin });
  return true;
}

/** Adds a metric from code. By default a name clash is an error. */
export function registerMetric(metric: Metric, options: { onClash?: ClashPolicy } = {}): void {
  add(metric, "local", options.onClash ?? "error");
}

/** Makes `alias` another name for `name`. */
export function aliasMetric(alias: string, name: string): void {
  if (!metrics.has(name)) throw new RangeError(`Cannot alias metric: unknown metric "${name}"`);
  if (metrics.has(alias)) throw new Error(`Cannot alias metric: "${alias}" is already a metric`);
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

/** Every metric: name, description, kind, direction, reference and origin. */
export function listMetrics(): (Omit<Metric, "compute" | "perExample" | "fromMean"> & {
  origin: string;
  aliases: string[];
})[] {
  return [...metrics.values()].map(({ compute: _c, perExample: _p, fromMean: _f, ...rest }) => ({
    ...rest,
    aliases: [...aliases].filter(([, n]) => n === rest.name).map(([a]) => a),
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Loads metrics from a module (a plugin) that exports `metrics: Metric[]`
 * (or a default export of that array). Returns the names added.
 */
export async function loadMetricPlugin(path: string, options: { onClash?: ClashPolicy } = {}): Promise<string[]> {
  const url = path.includes("://") ? path : new URL(path, `file://${Deno.cwd()}/`).href;
  let mod: { metrics?: Metric[]; default?: Metric[] };
  try {
    mod = await import(url);
  } catch (err) {
    throw new Error(`Cannot load metric plugin ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  const list = mod.metrics ?? mod.default;
  if (!Array.isArray(list)) throw new TypeError(`Cannot load metric plugin ${path}: it exports no metrics array`);
  const added: string[] = [];
  for (const [i, m] of list.entries()) {
    if (!m || typeof m.name !== "string" || typeof m.compute !== "function") {
      throw new TypeError(`Cannot load metric plugin ${path}: metrics[${i}] needs a name and a compute function`);
    }
    if (add(m, "plugin", options.onClash ?? "error")) added.push(m.name);
  }
  return added;
}

for (const m of [...CLASSIFICATION_METRICS, ...LM_METRICS, ...TEXT_METRICS]) add(m, "builtin", "error");
aliasMetric("f1_score", "f1");
aliasMetric("auc", "roc_auc");
aliasMetric("ppl", "perplexity");
aliasMetric("em", "exact_match");
