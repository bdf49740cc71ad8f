/**
 * Deterministic train/val/test splits with a manifest that makes drift
 * visible: shuffle record ids with a seed (or place each record by a stable
 * hash of its id, so adding records never moves old ones), optionally
 * stratified by label; write `split_manifest.json`, one ids file per split
 * and `records.tsv` (a content hash per record); `verifySplit` recomputes
 * everything and reports what changed.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { Rng } from "../random/mod.ts";
import type { DataRecord, Dataset } from "./dataset.ts";
import { loadDataset } from "./dataset_registry.ts";
import type { LocalOptions } from "./local_files.ts";

/** The layout version of `split_manifest.json`. */
export const SPLIT_SCHEMA_VERSION = 1;

/** How to split. */
export interface SplitOptions {
  train: number;
  val: number;
  test: number;
  seed?: number;
  /** Where the manifest and ids files go. */
  outDir: string;
  /** `shuffle` (default) or `hash`: a record's split depends only on its id and the seed. */
  method?: "shuffle" | "hash";
  /** Keep label proportions in every split (classification). */
  stratify?: boolean;
  /** Options for a local file dataset. */
  local?: LocalOptions;
}

/** `split_manifest.json`. */
export interface SplitManifest {
  schema_version: number;
  dataset: string;
  dataset_hash: string;
  records: number;
  records_file: string;
  seed: number;
  method: "shuffle" | "hash";
  stratify: boolean;
  fractions: { train: number; val: number; test: number };
  local?: LocalOptions;
  splits: Record<string, { size: number; ids_sha256: string; ids_file: string; labels?: Record<string, number> }>;
  created_at: string;
}

const SPLITS = ["train", "val", "test"] as const;

async function recordHash(r: DataRecord): Promise<string> {
  return await sha256Hex(JSON.stringify([r.id, r.text, r.label ?? null]));
}

async function datasetHash(hashes: string[]): Promise<string> {
  return await sha256Hex(hashes.join("\n"));
}

function unitFromHash(hex: string): number {
  return parseInt(hex.slice(0, 13), 16) / 2 ** 52;
}

function checkFractions(o: SplitOptions): void {
  const f = [o.train, o.val, o.test];
  if (f.some((x) => !(x >= 0 && x <= 1))) {
    throw new RangeError(
      `Cannot split: fractions must be in [0, 1] (got train ${o.train}, val ${o.val}, test ${o.test})`,
    );
  }
  const sum = f.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`Cannot split: fractions must sum to 1 (got ${sum})`);
}

/**
 * Splits a dataset (a registry name, a file, or a loaded dataset) and writes
 * the manifest. An empty split is refused.
 *
 * @example
 * ```ts ignore
 * import { splitDataset } from "./split_dataset.ts";
 * const m = await splitDataset("spam-assassin", { train: 0.8, val: 0.1, test: 0.1, seed: 1, outDir: "data/splits/spam", stratify: true });
 * console.log(m.splits.val.size);
 * ```
 */
export async function splitDataset(dataset: string | Dataset, o: SplitOptions): Promise<SplitManifest> {
  checkFractions(o);
  const ds = typeof dataset === "string" ? await loadDataset(dataset, o.local ?? {}) : dataset;
  const seed = o.seed ?? 0, method = o.method ?? "shuffle";
  const ids = ds.records.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new TypeError(`Cannot split ${ds.name}: record ids are not unique`);
  const hashes = await Promise.all(ds.records.map(recordHash));
  const groups = new Map<string, number[]>();
  ds.records.forEach((r, i) => {
    const g = o.stratify ? (r.label ?? "") : "";
    if (o.stratify && r.label === undefined) {
      throw new TypeError(`Cannot stratify ${ds.name}: record ${r.id} has no label`);
    }
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const assigned: Record<string, number[]> = { train: [], val: [], test: [] };
  for (const [g, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (method === "hash") {
      for (const i of members) {
        const u = unitFromHash(await sha256Hex(`${seed}:${ids[i]}`));
        assigned[u < o.train ? "train" : u < o.train + o.val ? "val" : "test"]!.push(i);
      }
    } else {
      const order = [...members];
      const rng = Rng.stream(seed, `split:${g}`);
      for (let k = order.length - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      const nTrain = Math.round(order.length * o.train), nVal = Math.round(order.length * o.val);
      assigned.train!.push(...order.slice(0, nTrain));
      assigned.val!.push(...order.slice(nTrain, nTrain + nVal));
      assigned.test!.push(...order.slice(nTrain + nVal));
    }
  }
  await Deno.mkdir(o.outDir, { recursive: true });
  const splits: SplitManifest["splits"] = {};
  for (const s of SPLITS) {
    const fraction = o[s];
    const members = assigned[s]!;
    if (fraction === 0 && members.length === 0) continue;
    if (members.length === 0) {
      throw new RangeError(
        `Cannot split ${ds.name}: the ${s} split would be empty (${ds.records.length} records, ${s} = ${fraction})`,
      );
    }
    const text = members.map((i) => ids[i]).join("\n") + "\n";
    const file = `${s}_ids.txt`;
    await writeFileAtomic(join(o.outDir, file), text);
    const labels: Record<string, number> = {};
    for (const i of members) {
      const l = ds.records[i]!.label;
      if (l !== undefined) labels[l] = (labels[l] ?? 0) + 1;
    }
    splits[s] = {
      size: members.length,
      ids_sha256: await sha256Hex(text),
      ids_file: file,
      ...(Object.keys(labels).length ? { labels } : {}),
    };
  }
  await writeFileAtomic(
    join(o.outDir, "records.tsv"),
    ds.records.map((r, i) => `${r.id}\t${hashes[i]}`).join("\n") + "\n",
  );
  const manifest: SplitManifest = {
    schema_version: SPLIT_SCHEMA_VERSION,
    dataset: ds.name,
    dataset_hash: await datasetHash(hashes),
    records: ds.records.length,
    records_file: "records.tsv",
    seed,
    method,
    stratify: !!o.stratify,
    fractions: { train: o.train, val: o.val, test: o.test },
    ...(o.local ? { local: o.local } : {}),
    splits,
    created_at: new Date().toISOString(),
  };
  await writeJsonAtomic(join(o.outDir, "split_manifest.json"), manifest);
  return manifest;
}

/** What {@linkcode verifySplit} finds. */
export interface SplitReport {
  ok: boolean;
  dataset_hash_matches: boolean;
  /** Ids now in the data but in no split. */
  added: string[];
  /** Ids in a split but no longer in the data. */
  removed: string[];
  /** Ids whose text or label changed. */
  changed: string[];
  /** Ids files whose content no longer matches the manifest. */
  corrupted: string[];
  problems: string[];
}

/** Recomputes a split against its dataset and reports drift and corruption. */
export async function verifySplit(manifestPath: string, dataset?: Dataset): Promise<SplitReport> {
  const dir = manifestPath.slice(0, Math.max(0, manifestPath.lastIndexOf("/"))) || ".";
  let m: SplitManifest;
  try {
    m = JSON.parse(await Deno.readTextFile(manifestPath));
  } catch (err) {
    throw new SyntaxError(
      `Cannot verify split: ${manifestPath} cannot be read as JSON (${(err as Error).message.split("\n")[0]})`,
    );
  }
  if (m.schema_version !== SPLIT_SCHEMA_VERSION) {
    throw new TypeError(
      `Cannot verify split: ${manifestPath} has schema_version ${m.schema_version} (expected ${SPLIT_SCHEMA_VERSION})`,
    );
  }
  const problems: string[] = [], corrupted: string[] = [];
  for (const [name, s] of Object.entries(m.splits)) {
    const path = join(dir, s.ids_file);
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch {
      corrupted.push(s.ids_file);
      problems.push(`${s.ids_file} is missing`);
      continue;
    }
    if (await sha256Hex(text) !== s.ids_sha256) {
      corrupted.push(s.ids_file);
      problems.push(`${s.ids_file} fails its sha256 check (the ${name} ids file was changed)`);
    }
  }
  const old = new Map(
    (await Deno.readTextFile(join(dir, m.records_file))).split("\n").filter(Boolean).map((l) =>
      l.split("\t") as [string, string]
    ),
  );
  const ds = dataset ?? await loadDataset(m.dataset, m.local ?? {});
  const hashes = await Promise.all(ds.records.map(recordHash));
  const now = new Map(ds.records.map((r, i) => [r.id, hashes[i]!]));
  const added = [...now.keys()].filter((id) => !old.has(id));
  const removed = [...old.keys()].filter((id) => !now.has(id));
  const changed = [...now].filter(([id, h]) => old.has(id) && old.get(id) !== h).map(([id]) => id);
  const dataset_hash_matches = (await datasetHash(hashes)) === m.dataset_hash;
  if (added.length) problems.push(`${added.length} record(s) added since the split`);
  if (removed.length) problems.push(`${removed.length} record(s) removed since the split`);
  if (changed.length) problems.push(`${changed.length} record(s) changed since the split`);
  if (!dataset_hash_matches && !added.length && !removed.length && !changed.length) {
    problems.push("the dataset hash changed");
  }
  return { ok: problems.length === 0, dataset_hash_matches, added, removed, changed, corrupted, problems };
}
