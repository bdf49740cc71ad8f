/**
 * Deterministic train/val/test splits with a manifest that makes drift
 * visible: shuffle record ids with a seed, or place each record by a stable
 * hash of a key field (so adding records never moves old ones), optionally
 * stratified by label; write `split_manifest.json`, one ids file per split
 * and `records.tsv` (a content hash per record). `verifySplit` checks them.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { Rng } from "../random/mod.ts";
import { _hashRecords, _sha256 } from "./dataset_content_hash.ts";
import { loadDataset } from "./load_dataset.ts";
import type { LocalOptions } from "./load_local_dataset.ts";
import type { DataRecord, Dataset } from "./types.ts";

/**
 * The layout version of `split_manifest.json` (2 added `key` and `records_sha256`).
 *
 * @example
 * ```ts
 * import { splitDataset, SPLIT_SCHEMA_VERSION } from "./split_dataset.ts";
 * import { datasetFromRecords } from "./dataset_from_records.ts";
 * const ds = datasetFromRecords(
 *   { name: "toy", description: "four lines", source: "inline", license: "CC0-1.0", task: "language-modeling", fields: ["id", "text"] },
 *   ["a", "b", "c", "d"].map((id) => ({ id, text: `line ${id}` })),
 * );
 * const outDir = await Deno.makeTempDir();
 * const m = await splitDataset(ds, { train: 0.5, val: 0.5, test: 0, seed: 1, outDir });
 * const onDisk = JSON.parse(await Deno.readTextFile(`${outDir}/split_manifest.json`));
 * await Deno.remove(outDir, { recursive: true });
 * if (m.schema_version !== SPLIT_SCHEMA_VERSION || onDisk.schema_version !== 2) throw new Error("bad version");
 * ```
 */
export const SPLIT_SCHEMA_VERSION = 2;

/** The split names, in order. */
export type SplitName = "train" | "val" | "test";

/** How to split. */
export interface SplitOptions {
  /** Fraction of records for training; the three fractions must sum to 1. */
  train: number;
  /** Fraction for validation (0 leaves the split out). */
  val: number;
  /** Fraction for test (0 leaves the split out). */
  test: number;
  /** Integer seed (default 0). */
  seed?: number;
  /** Where the manifest, ids files and `records.tsv` go (created if needed). */
  outDir: string;
  /**
   * `shuffle` (default without `key`): shuffle the ids with the seed and cut.
   * `hash` (default with `key`): a record's split depends only on the seed and its key, so adding records never
   * moves old ones.
   */
  method?: "shuffle" | "hash";
  /**
   * For `hash`: the field whose value places a record (`id` by default, or `text`, `label`, `meta.<name>`).
   * Records with the same value share a split (all mail of one sender, say).
   */
  key?: string;
  /** Keep label proportions in every split (every record needs a label). */
  stratify?: boolean;
  /** How to read a local file dataset (kept in the manifest for `verifySplit`). */
  local?: LocalOptions;
}

/** One split in the manifest. */
export interface SplitEntry {
  /** Records in the split. */
  size: number;
  /** SHA-256 of the ids file's bytes (the ordered ids, one per line). */
  ids_sha256: string;
  /** The ids file, beside the manifest. */
  ids_file: string;
  /** Label counts, for labelled data. */
  labels?: Record<string, number>;
}

/** `split_manifest.json`. */
export interface SplitManifest {
  /** {@linkcode SPLIT_SCHEMA_VERSION} when written. */
  schema_version: number;
  /** The registry name or file path the split was made from. */
  dataset: string;
  /** The dataset's content hash (SHA-256 over every record's id, text and label). */
  dataset_hash: string;
  /** How many records were split. */
  records: number;
  /** `records.tsv`: every record's id and content hash, for drift detection. */
  records_file: string;
  /** SHA-256 of `records.tsv` (schema 2). */
  records_sha256?: string;
  seed: number;
  method: "shuffle" | "hash";
  /** The hash key field (method `hash` only). */
  key?: string;
  /** Whether each label was split on its own. */
  stratify: boolean;
  fractions: Record<SplitName, number>;
  /** How the local file was read. */
  local?: LocalOptions;
  /** The splits by name (`train`, `val`, `test`); a split with fraction 0 is left out. */
  splits: Record<string, SplitEntry>;
  /** When the split was written (ISO 8601); the one field that differs between two equal splits. */
  created_at: string;
}

/** The settings that decide which record goes where, checked and with defaults filled in. */
export interface _SplitPlan {
  fractions: Record<SplitName, number>;
  seed: number;
  method: "shuffle" | "hash";
  key: string;
  stratify: boolean;
}

/** The split names, in file and manifest order. */
export const _SPLITS: readonly SplitName[] = ["train", "val", "test"];

function _keyValue(r: DataRecord, key: string, dataset: string): string {
  const v = key === "id" ? r.id : key === "text" ? r.text : key === "label" ? r.label : r.meta?.[key.slice(5)];
  if (v === undefined || v === null) {
    throw new TypeError(`Cannot split ${dataset}: record ${r.id} has no "${key}" (the split key)`);
  }
  return typeof v === "string" ? v : JSON.stringify(v);
}

function _unitFromHash(hex: string): number {
  return parseInt(hex.slice(0, 13), 16) / 2 ** 52;
}

/** Checks split options and fills in the defaults. */
export function _splitPlan(o: Omit<SplitOptions, "outDir">): _SplitPlan {
  const fractions = { train: o.train, val: o.val, test: o.test };
  if (Object.values(fractions).some((x) => typeof x !== "number" || !(x >= 0 && x <= 1))) {
    throw new RangeError(
      `Cannot split: fractions must be in [0, 1] (got train ${o.train}, val ${o.val}, test ${o.test})`,
    );
  }
  const sum = o.train + o.val + o.test;
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`Cannot split: fractions must sum to 1 (got ${+sum.toFixed(9)})`);
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Cannot split: seed must be an integer (got ${seed})`);
  const method = o.method ?? (o.key === undefined ? "shuffle" : "hash");
  if (method !== "shuffle" && method !== "hash") {
    throw new RangeError(`Cannot split: method must be "shuffle" or "hash" (got "${method}")`);
  }
  if (o.key !== undefined && method !== "hash") {
    throw new TypeError(`Cannot split: key "${o.key}" places records by hash, so it needs method "hash"`);
  }
  const key = o.key ?? "id";
  if (!["id", "text", "label"].includes(key) && !/^meta\.[^.]+$/.test(key)) {
    throw new TypeError(`Cannot split: key must be id, text, label or meta.<name> (got "${key}")`);
  }
  return { fractions, seed, method, key, stratify: !!o.stratify };
}

/** Which records (by index) go to which split. */
export function _assignSplits(ds: Dataset, plan: _SplitPlan): Record<SplitName, number[]> {
  const groups = new Map<string, number[]>();
  ds.records.forEach((r, i) => {
    if (plan.stratify && r.label === undefined) {
      throw new TypeError(`Cannot stratify ${ds.name}: record ${r.id} has no label`);
    }
    const g = plan.stratify ? r.label! : "";
    const members = groups.get(g);
    if (members) members.push(i);
    else groups.set(g, [i]);
  });
  const { train, val } = plan.fractions;
  const assigned: Record<SplitName, number[]> = { train: [], val: [], test: [] };
  for (const [g, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (plan.method === "hash") {
      for (const i of members) {
        const u = _unitFromHash(_sha256(`${plan.seed}:${_keyValue(ds.records[i]!, plan.key, ds.name)}`));
        assigned[u < train ? "train" : u < train + val ? "val" : "test"].push(i);
      }
    } else {
      const order = [...members];
      const rng = Rng.stream(plan.seed, `split:${g}`);
      for (let k = order.length - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      const nTrain = Math.round(order.length * train), nVal = Math.round(order.length * val);
      assigned.train.push(...order.slice(0, nTrain));
      assigned.val.push(...order.slice(nTrain, nTrain + nVal));
      assigned.test.push(...order.slice(nTrain + nVal));
    }
  }
  return assigned;
}

/** The text of an ids file. */
export function _idsText(ids: string[]): string {
  return ids.join("\n") + "\n";
}

/**
 * Splits a dataset (a registry name, a local file, or a loaded
 * {@linkcode Dataset}) and writes into `outDir`: `split_manifest.json`,
 * `<split>_ids.txt` per split and `records.tsv`. Fractions that do not sum
 * to 1, a split that would be empty, ids with tabs or line breaks, and
 * stratifying records without labels are refused. The same data, options and
 * seed always give the same ids files.
 *
 * @example
 * ```ts ignore
 * import { splitDataset } from "./split_dataset.ts";
 * const m = await splitDataset("spam-assassin", {
 *   train: 0.8, val: 0.1, test: 0.1, seed: 1, stratify: true, outDir: "artifacts/splits/spam",
 * });
 * console.log(m.splits.val); // { size: 605, ids_sha256: "...", ids_file: "val_ids.txt", labels: { ham: 415, spam: 190 } }
 * ```
 */
export async function splitDataset(dataset: string | Dataset, options: SplitOptions): Promise<SplitManifest> {
  const plan = _splitPlan(options);
  const ds = typeof dataset === "string" ? await loadDataset(dataset, options.local ?? {}) : dataset;
  const seen = new Set<string>();
  for (const r of ds.records) {
    if (/[\t\r\n]/.test(r.id)) {
      throw new TypeError(
        `Cannot split ${ds.name}: record id ${
          JSON.stringify(r.id)
        } holds a tab or line break (ids files are one id per line)`,
      );
    }
    if (seen.has(r.id)) throw new TypeError(`Cannot split ${ds.name}: record id "${r.id}" is not unique`);
    seen.add(r.id);
  }
  const assigned = _assignSplits(ds, plan);
  const splits: SplitManifest["splits"] = {};
  const files: [string, string][] = [];
  for (const s of _SPLITS) {
    const members = assigned[s];
    if (plan.fractions[s] === 0) continue;
    if (members.length === 0) {
      throw new RangeError(
        `Cannot split ${ds.name}: the ${s} split would be empty (${ds.records.length} records, ${s} = ${
          plan.fractions[s]
        })`,
      );
    }
    const text = _idsText(members.map((i) => ds.records[i]!.id));
    const labels: Record<string, number> = {};
    for (const i of members) {
      const l = ds.records[i]!.label;
      if (l !== undefined) labels[l] = (labels[l] ?? 0) + 1;
    }
    files.push([`${s}_ids.txt`, text]);
    splits[s] = {
      size: members.length,
      ids_sha256: await sha256Hex(text),
      ids_file: `${s}_ids.txt`,
      ...(Object.keys(labels).length ? { labels } : {}),
    };
  }
  const { hashes, hash } = _hashRecords(ds.records);
  const recordsText = ds.records.map((r, i) => `${r.id}\t${hashes[i]}\n`).join("");
  await Deno.mkdir(options.outDir, { recursive: true });
  files.push(["records.tsv", recordsText]);
  for (const [file, text] of files) {
    await writeFileAtomic(join(options.outDir, file), text);
  }
  const manifest: SplitManifest = {
    schema_version: SPLIT_SCHEMA_VERSION,
    dataset: ds.name,
    dataset_hash: hash,
    records: ds.records.length,
    records_file: "records.tsv",
    records_sha256: await sha256Hex(recordsText),
    seed: plan.seed,
    method: plan.method,
    ...(plan.method === "hash" ? { key: plan.key } : {}),
    stratify: plan.stratify,
    fractions: plan.fractions,
    ...(options.local ? { local: options.local } : {}),
    splits,
    created_at: new Date().toISOString(),
  };
  await writeJsonAtomic(join(options.outDir, "split_manifest.json"), manifest);
  return manifest;
}
