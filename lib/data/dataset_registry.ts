/**
 * The dataset registry: the built-in corpora (see `stdlib_corpora.ts`) and
 * any a script or notebook adds, each with its card.
 *
 * @module
 */
import { STDLIB_CORPORA } from "./stdlib_corpora.ts";
import type { DataRecord, DatasetCard } from "./types.ts";

/**
 * A registered dataset: its card, and at least one of its text (for language
 * modelling) and its records.
 */
export interface DatasetEntry extends DatasetCard {
  /** The whole corpus as one string (what `deno task train` trains on); default: the records' texts, one per line. */
  load?(): Promise<string>;
  /** The records, and how many characters decoding replaced; default: the text as one record. */
  records?(): Promise<{ records: DataRecord[]; replaced?: number }>;
}

const TASKS: readonly string[] = ["language-modeling", "classification"];
const registry = new Map<string, DatasetEntry>();

/**
 * Adds a dataset to the registry (a notebook or script may add its own);
 * `replace: true` replaces an entry of the same name.
 *
 * @example
 * ```ts
 * import { listDatasets, registerDataset } from "./dataset_registry.ts";
 * registerDataset({
 *   name: "greetings",
 *   description: "two greetings",
 *   source: "inline",
 *   license: "CC0-1.0",
 *   task: "language-modeling",
 *   fields: ["id", "text"],
 *   records: () => Promise.resolve({ records: [{ id: "1", text: "hello" }, { id: "2", text: "hi" }] }),
 * }, { replace: true });
 * if (!listDatasets().some((c) => c.name === "greetings")) throw new Error("not registered");
 * ```
 */
export function registerDataset(entry: DatasetEntry, options: { replace?: boolean } = {}): void {
  if (typeof entry?.name !== "string" || entry.name === "") {
    throw new TypeError("Cannot register dataset: the entry needs a non-empty string name");
  }
  if (!TASKS.includes(entry.task)) {
    throw new TypeError(
      `Cannot register dataset: "${entry.name}" has task "${entry.task}" (expected ${TASKS.join(" or ")})`,
    );
  }
  if (typeof entry.load !== "function" && typeof entry.records !== "function") {
    throw new TypeError(`Cannot register dataset: "${entry.name}" needs a load() or a records() function`);
  }
  if (registry.has(entry.name) && !options.replace) {
    throw new Error(
      `Cannot register dataset: "${entry.name}" is already registered (pass replace: true to replace it)`,
    );
  }
  registry.set(entry.name, entry);
}

/**
 * The cards of every registered dataset, sorted by name. Built-in cards carry
 * the size, labels, replaced characters and content hash measured when they
 * were written; {@linkcode loadDataset} measures them again.
 *
 * @example
 * ```ts
 * import { listDatasets } from "./dataset_registry.ts";
 * const spam = listDatasets().find((c) => c.name === "spam-assassin");
 * if (spam?.task !== "classification") throw new Error("spam-assassin is for classification");
 * ```
 */
export function listDatasets(): DatasetCard[] {
  return [...registry.values()]
    .map(({ load: _l, records: _r, ...card }) => card)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether `name` is registered. */
export function _isRegistered(name: string): boolean {
  return registry.has(name);
}

/** The entry of `name`; a RangeError naming the known ones if there is none. */
export function _datasetEntry(name: string): DatasetEntry {
  const entry = registry.get(name);
  if (!entry) {
    throw new RangeError(
      `Cannot load dataset: unknown dataset "${name}" (known: ${
        [...registry.keys()].sort().join(", ")
      }, or a file path)`,
    );
  }
  return entry;
}

for (const entry of STDLIB_CORPORA) registerDataset(entry);
