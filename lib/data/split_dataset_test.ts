import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "../io/mod.ts";
import { datasetContentHash } from "./dataset_content_hash.ts";
import { datasetFromRecords } from "./dataset_from_records.ts";
import { splitDataset } from "./split_dataset.ts";
import { toy } from "./testdata/toy_dataset.ts";

const ids = async (dir: string, split: string) =>
  (await Deno.readTextFile(join(dir, `${split}_ids.txt`))).trim().split("\n");

Deno.test("splitDataset: writes the manifest, ids files and records.tsv; the same seed gives the same bytes", async () => {
  const dir = await Deno.makeTempDir();
  const ds = toy(200);
  const o = { train: 0.8, val: 0.1, test: 0.1, seed: 3, stratify: true };
  const m = await splitDataset(ds, { ...o, outDir: join(dir, "1") });
  await splitDataset(ds, { ...o, outDir: join(dir, "2") });
  for (const f of ["train_ids.txt", "val_ids.txt", "test_ids.txt", "records.tsv"]) {
    assert.deepEqual(await Deno.readFile(join(dir, "1", f)), await Deno.readFile(join(dir, "2", f)), f);
  }
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "1", "split_manifest.json"))), m);
  const { splits, created_at: _, records_sha256, ...head } = m;
  assert.deepEqual(head, {
    schema_version: 2,
    dataset: "toy",
    dataset_hash: datasetContentHash(ds.records),
    records: 200,
    records_file: "records.tsv",
    seed: 3,
    method: "shuffle",
    stratify: true,
    fractions: { train: 0.8, val: 0.1, test: 0.1 },
  });
  assert.equal(records_sha256, await sha256Hex(await Deno.readFile(join(dir, "1", "records.tsv"))));
  assert.deepEqual(Object.keys(splits), ["train", "val", "test"]);
  assert.deepEqual(splits.train!.labels, { a: 40, b: 120 });
  assert.deepEqual(splits.val!.labels, { a: 5, b: 15 });
  assert.deepEqual(splits.test!.labels, { a: 5, b: 15 });
  const all: string[] = [];
  for (const s of ["train", "val", "test"]) {
    const entry = splits[s]!;
    assert.equal(entry.ids_file, `${s}_ids.txt`);
    assert.equal(entry.ids_sha256, await sha256Hex(await Deno.readFile(join(dir, "1", entry.ids_file))));
    all.push(...await ids(join(dir, "1"), s));
  }
  assert.deepEqual(all.sort(), ds.records.map((r) => r.id).sort(), "every record in exactly one split");
  const other = await splitDataset(ds, { ...o, seed: 4, outDir: join(dir, "3") });
  assert.notEqual(other.splits.train!.ids_sha256, m.splits.train!.ids_sha256);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("splitDataset: shuffled ids are pinned for a seed, so classifier runs stay reproducible", async () => {
  const dir = await Deno.makeTempDir();
  await splitDataset(toy(20), { train: 0.6, val: 0.2, test: 0.2, seed: 1, outDir: dir });
  assert.deepEqual(await ids(dir, "val"), ["r9", "r3", "r19", "r18"]);
  assert.deepEqual(await ids(dir, "test"), ["r17", "r4", "r1", "r11"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("splitDataset: refuses bad fractions, empty splits, unlabelled stratification, bad seeds, keys and ids", async () => {
  const dir = await Deno.makeTempDir();
  const ds = toy(5);
  const base = { train: 0.6, val: 0.2, test: 0.2, outDir: dir };
  await assert.rejects(() => splitDataset(ds, { ...base, val: 0.4 }), {
    name: "RangeError",
    message: "Cannot split: fractions must sum to 1 (got 1.2)",
  });
  await assert.rejects(() => splitDataset(ds, { ...base, train: 1.2, val: -0.2, test: 0 }), /must be in \[0, 1\]/);
  await assert.rejects(() => splitDataset(ds, { ...base, train: 0.9, val: 0.05, test: 0.05 }), {
    name: "RangeError",
    message: "Cannot split toy: the val split would be empty (5 records, val = 0.05)",
  });
  const unlabelled = toy(5, { labelled: false });
  await assert.rejects(() => splitDataset(unlabelled, { ...base, stratify: true }), {
    name: "TypeError",
    message: "Cannot stratify toy: record r0 has no label",
  });
  await assert.rejects(() => splitDataset(ds, { ...base, seed: 1.5 }), /seed must be an integer \(got 1.5\)/);
  await assert.rejects(() => splitDataset(ds, { ...base, method: "shuffle", key: "meta.from" }), /needs method "hash"/);
  await assert.rejects(() => splitDataset(ds, { ...base, key: "from" }), /key must be id, text, label or meta\.<name>/);
  await assert.rejects(() => splitDataset(ds, { ...base, key: "meta.missing" }), {
    name: "TypeError",
    message: 'Cannot split toy: record r0 has no "meta.missing" (the split key)',
  });
  const tabbed = datasetFromRecords(ds.card, [{ id: "a\tb", text: "x" }, { id: "c", text: "y" }]);
  await assert.rejects(
    () => splitDataset(tabbed, { ...base, train: 0.5, val: 0.5, test: 0 }),
    /holds a tab or line break/,
  );
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing is written when a split is refused");
  const noTest = await splitDataset(ds, { ...base, train: 0.6, val: 0.4, test: 0 });
  assert.deepEqual(Object.keys(noTest.splits), ["train", "val"], "a zero fraction leaves its split out");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("splitDataset by hash: adding records never moves old ones; a key keeps a group in one split", async () => {
  const dir = await Deno.makeTempDir();
  const o = { train: 0.7, val: 0.15, test: 0.15, seed: 1, method: "hash" as const };
  const m = await splitDataset(toy(300), { ...o, outDir: join(dir, "a") });
  assert.equal(m.key, "id");
  await splitDataset(toy(400), { ...o, outDir: join(dir, "b") });
  for (const s of ["train", "val", "test"]) {
    const after = new Set(await ids(join(dir, "b"), s));
    assert.ok((await ids(join(dir, "a"), s)).every((id) => after.has(id)), `old ${s} records stay in ${s}`);
  }
  const grouped = toy(300, { from: 40 });
  const g = await splitDataset(grouped, { ...o, key: "meta.from", outDir: join(dir, "c") });
  assert.equal(g.method, "hash");
  const splitOf = new Map<string, string>();
  for (const s of ["train", "val", "test"]) {
    for (const id of await ids(join(dir, "c"), s)) {
      const from = String(grouped.records[Number(id.slice(1))]!.meta!.from);
      assert.equal(splitOf.get(from) ?? s, s, `${from} is in one split`);
      splitOf.set(from, s);
    }
  }
  assert.equal(new Set(splitOf.values()).size, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("splitDataset: a local file is split by path, and its field mapping is kept for verifySplit", async () => {
  const dir = await Deno.makeTempDir();
  const path = fileURLToPath(new URL("./testdata/mail.jsonl", import.meta.url));
  const local = { text_field: "body", label_field: "class" };
  const m = await splitDataset(path, { train: 0.5, val: 0.5, test: 0, seed: 2, stratify: true, local, outDir: dir });
  assert.equal(m.dataset, path);
  assert.deepEqual(m.local, local);
  assert.deepEqual(m.splits.train!.labels, { ham: 1, spam: 1 });
  await Deno.remove(dir, { recursive: true });
});
