/**
 * Checking a split against its manifest and its data: corrupted or missing
 * files, records added, removed or changed since, and whether splitting
 * again with the manifest's settings puts every record where it was.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { readTextIfExists, sha256Hex } from "../io/mod.ts";
import { _hashRecords } from "./dataset_content_hash.ts";
import { loadDataset } from "./load_dataset.ts";
import {
  _assignSplits,
  _idsText,
  _splitPlan,
  _SPLITS,
  SPLIT_SCHEMA_VERSION,
  type SplitManifest,
  type SplitName,
} from "./split_dataset.ts";
import type { Dataset } from "./types.ts";

/** What {@linkcode verifySplit} finds; `ok` when `problems` is empty. */
export interface SplitReport {
  ok: boolean;
  /** Whether the data's content hash is the manifest's. */
  dataset_hash_matches: boolean;
  /** Ids now in the data but not when it was split. */
  added: string[];
  /** Ids split then but no longer in the data. */
  removed: string[];
  /** Ids whose text or label changed. */
  changed: string[];
  /** Files (ids files, `records.tsv`) that are missing or no longer match their checksum in the manifest. */
  corrupted: string[];
  /** Unchanged records that splitting again with the manifest's settings would put in another split. */
  moved: string[];
  /**
   * Whether splitting the current data again with the manifest's settings gives the recorded splits: with
   * unchanged data, the same ids files byte for byte; with changed data and method `hash`, no record moved;
   * `null` when that cannot be known (method `shuffle` after the data changed, or corrupted ids files).
   */
  reproduced: boolean | null;
  /** One line per problem found. */
  problems: string[];
}

function _manifest(value: unknown, path: string): SplitManifest {
  const m = value as Partial<SplitManifest> | null;
  if (m === null || typeof m !== "object") throw new TypeError(`Cannot verify split: ${path} is not a JSON object`);
  if (m.schema_version !== 1 && m.schema_version !== SPLIT_SCHEMA_VERSION) {
    throw new TypeError(
      `Cannot verify split: ${path} has schema_version ${m.schema_version} (expected 1 or ${SPLIT_SCHEMA_VERSION})`,
    );
  }
  for (const k of ["dataset", "dataset_hash", "records_file", "method"] as const) {
    if (typeof m[k] !== "string") throw new TypeError(`Cannot verify split: ${path} has no string "${k}"`);
  }
  if (typeof m.splits !== "object" || m.splits === null || typeof m.fractions !== "object") {
    throw new TypeError(`Cannot verify split: ${path} has no "splits" or "fractions"`);
  }
  return m as SplitManifest;
}

/**
 * Recomputes a split against its data and reports drift and corruption. The
 * data is reloaded by the manifest's dataset name (with its local-file
 * options), unless `dataset` is given. Reads manifests of schema 1 and 2
 * (schema 1 has no checksum for `records.tsv`).
 *
 * @example
 * ```ts ignore
 * import { verifySplit } from "./verify_split.ts";
 * const r = await verifySplit("artifacts/splits/spam/split_manifest.json");
 * if (!r.ok) console.log(r.problems.join("\n"));
 * ```
 */
export async function verifySplit(manifestPath: string, dataset?: Dataset): Promise<SplitReport> {
  const dir = dirname(manifestPath);
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(manifestPath));
  } catch (err) {
    throw new SyntaxError(
      `Cannot verify split: ${manifestPath} cannot be read as JSON (${(err as Error).message.split("\n")[0]})`,
    );
  }
  const m = _manifest(raw, manifestPath);
  const problems: string[] = [], corrupted: string[] = [];
  const recorded = new Map<string, SplitName>();
  for (const s of _SPLITS) {
    const entry = m.splits[s];
    if (!entry) continue;
    const text = await readTextIfExists(join(dir, entry.ids_file));
    if (text === null) {
      corrupted.push(entry.ids_file);
      problems.push(`${entry.ids_file} is missing`);
    } else if (await sha256Hex(text) !== entry.ids_sha256) {
      corrupted.push(entry.ids_file);
      problems.push(`${entry.ids_file} fails its sha256 check (the ${s} ids were edited or truncated)`);
    } else {
      for (const id of text.split("\n")) if (id !== "") recorded.set(id, s);
    }
  }

  const ds = dataset ?? await loadDataset(m.dataset, m.local ?? {});
  const { hashes, hash } = _hashRecords(ds.records);
  const dataset_hash_matches = hash === m.dataset_hash;
  const recordsText = await readTextIfExists(join(dir, m.records_file));
  let added: string[] = [], removed: string[] = [], changed: string[] = [];
  if (recordsText === null || (m.records_sha256 !== undefined && await sha256Hex(recordsText) !== m.records_sha256)) {
    corrupted.push(m.records_file);
    problems.push(`${m.records_file} is ${recordsText === null ? "missing" : "corrupted"}, so drift is not itemised`);
  } else {
    const old = new Map(recordsText.split("\n").filter(Boolean).map((l) => l.split("\t") as [string, string]));
    const now = new Map(ds.records.map((r, i) => [r.id, hashes[i]!]));
    added = [...now.keys()].filter((id) => !old.has(id));
    removed = [...old.keys()].filter((id) => !now.has(id));
    changed = [...now].filter(([id, h]) => old.has(id) && old.get(id) !== h).map(([id]) => id);
    if (added.length) problems.push(`${added.length} record(s) added since the split`);
    if (removed.length) problems.push(`${removed.length} record(s) removed since the split`);
    if (changed.length) problems.push(`${changed.length} record(s) changed since the split`);
  }
  if (!dataset_hash_matches && !added.length && !removed.length && !changed.length) {
    problems.push(`the dataset's content hash changed (${m.dataset_hash.slice(0, 16)} then, ${hash.slice(0, 16)} now)`);
  }

  // Split the data again with the manifest's settings.
  const drifted = !dataset_hash_matches;
  let moved: string[] = [];
  let reproduced: boolean | null = null;
  if (corrupted.every((f) => f === m.records_file) && !(drifted && m.method === "shuffle")) {
    const plan = _splitPlan({
      ...m.fractions,
      seed: m.seed,
      method: m.method,
      ...(m.key ? { key: m.key } : {}),
      stratify: m.stratify,
    });
    let assigned: ReturnType<typeof _assignSplits>;
    try {
      assigned = _assignSplits(ds, plan);
    } catch (err) {
      problems.push(`the data cannot be split again with the manifest's settings (${(err as Error).message})`);
      return _report(false, dataset_hash_matches, { added, removed, changed, corrupted, moved, problems });
    }
    const skip = new Set(changed);
    moved = _SPLITS.flatMap((s) =>
      assigned[s].map((i) => ds.records[i]!.id).filter((id) =>
        recorded.has(id) && recorded.get(id) !== s && !skip.has(id)
      )
    );
    reproduced = moved.length === 0;
    if (!drifted) {
      for (const s of _SPLITS) {
        const entry = m.splits[s];
        const now = await sha256Hex(_idsText(assigned[s].map((i) => ds.records[i]!.id)));
        if (entry ? now !== entry.ids_sha256 : assigned[s].length > 0) reproduced = false;
      }
    }
    if (moved.length) problems.push(`${moved.length} unchanged record(s) would now go to another split`);
    else if (!reproduced) problems.push("splitting the data again with the manifest's settings gives other ids files");
  }
  return _report(reproduced, dataset_hash_matches, { added, removed, changed, corrupted, moved, problems });
}

function _report(
  reproduced: boolean | null,
  dataset_hash_matches: boolean,
  lists: Pick<SplitReport, "added" | "removed" | "changed" | "corrupted" | "moved" | "problems">,
): SplitReport {
  return { ok: lists.problems.length === 0, dataset_hash_matches, ...lists, reproduced };
}
