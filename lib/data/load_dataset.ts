/**
 * Loading a dataset by registry name or file path: as records
 * (`loadDataset`) or as one string for a language model (`loadText`).
 *
 * @module
 */
import { datasetFromRecords } from "./dataset_from_records.ts";
import { _datasetEntry, _isRegistered } from "./dataset_registry.ts";
import { loadLocalDataset, type LocalOptions } from "./load_local_dataset.ts";
import type { Dataset } from "./types.ts";

/** A name that is not registered and looks like a path (has a `/` or a `.`) is a local file. */
function _isLocalPath(name: string): boolean {
  return !_isRegistered(name) && /[/.]/.test(name);
}

/**
 * Loads a dataset's text as one string (what `deno task train` trains on):
 * a registered name (an entry without its own text gives its records'
 * texts, one per line), or a local file (`data.name=notes/corpus.txt`): a
 * text file as it is, a JSONL/CSV/Parquet file as its records' texts, one
 * per line.
 *
 * @example
 * ```ts ignore
 * import { loadText } from "./load_dataset.ts";
 * const text = await loadText("moby-dick");
 * console.log(text.length); // 1190317
 * ```
 */
export async function loadText(name: string): Promise<string> {
  if (_isLocalPath(name)) {
    // A local file: a text file whole (blank lines and all), a structured one as its records' texts, one per line.
    const plain = /\.(txt|text|md)$/i.test(name);
    const { records } = await loadLocalDataset(name, plain ? { unit: "file" } : {});
    return plain ? records.map((r) => r.text).join("") : records.map((r) => r.text).join("\n") + "\n";
  }
  const entry = _datasetEntry(name);
  if (entry.load) return await entry.load();
  return (await entry.records!()).records.map((r) => r.text).join("\n") + "\n";
}

/**
 * Loads a dataset's records, with its card measured on them: a registry name,
 * or a local file (`.txt`, `.jsonl`/`.ndjson`, `.json`, `.csv`/`.tsv`,
 * `.parquet`) read with `options` (see {@linkcode LocalOptions}; they are
 * ignored for registry names). A name that is not registered and has no `/`
 * or `.` is an error listing the known names.
 *
 * @example
 * ```ts ignore
 * import { loadDataset } from "./load_dataset.ts";
 * const spam = await loadDataset("spam-assassin");
 * console.log(spam.records.length, spam.card.labels); // 6046 { ham: 4150, spam: 1896 }
 * for await (const r of spam.stream()) if (r.label === "spam") break;
 * ```
 */
export async function loadDataset(name: string, options: LocalOptions = {}): Promise<Dataset> {
  if (_isLocalPath(name)) return await loadLocalDataset(name, options);
  const { load, records, ...card } = _datasetEntry(name);
  if (records) {
    const r = await records();
    return datasetFromRecords(card, r.records, { replaced: r.replaced ?? 0 });
  }
  return datasetFromRecords(card, [{ id: name, text: await load!() }]);
}

/**
 * Loads a dataset for classification: {@linkcode loadDataset} with the
 * label read from `label_field` (default `label`) and the text from
 * `text_field` (default `text`) when `name` is a local file; registered
 * datasets carry their own labels. A local file whose records lack the
 * field is an error naming the file, the record and the fields it has.
 *
 * @example
 * ```ts
 * import { loadLabelledDataset } from "./load_dataset.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/mail.jsonl`, '{"body":"win now","class":"spam"}\n{"body":"lunch?","class":"ham"}\n');
 * const ds = await loadLabelledDataset(`${dir}/mail.jsonl`, { text_field: "body", label_field: "class" });
 * if (ds.records.map((r) => r.label).join() !== "spam,ham") throw new Error("labels not read");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function loadLabelledDataset(
  name: string,
  fields: { text_field?: string; label_field?: string } = {},
): Promise<Dataset> {
  return loadDataset(name, {
    label_field: fields.label_field ?? "label",
    ...(fields.text_field ? { text_field: fields.text_field } : {}),
  });
}
