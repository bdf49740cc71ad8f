import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "../io/mod.ts";
import { registerDataset } from "./dataset_registry.ts";
import { splitDataset } from "./split_dataset.ts";
import { toy } from "./testdata/toy_dataset.ts";
import { verifySplit } from "./verify_split.ts";
import type { DataRecord } from "./types.ts";

const fractions = { train: 0.7, val: 0.15, test: 0.15, seed: 1 };

Deno.test("verifySplit: an untouched split is ok and reproduced", async () => {
  const dir = await Deno.makeTempDir();
  const ds = toy(100);
  await splitDataset(ds, { ...fractions, stratify: true, outDir: dir });
  assert.deepEqual(await verifySplit(join(dir, "split_manifest.json"), ds), {
    ok: true,
    dataset_hash_matches: true,
    added: [],
    removed: [],
    changed: [],
    corrupted: [],
    moved: [],
    reproduced: true,
    problems: [],
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifySplit: records added, removed and changed are itemised; a hash split shows no record moved", async () => {
  const dir = await Deno.makeTempDir();
  await splitDataset(toy(300), { ...fractions, method: "hash", outDir: dir });
  const grown = toy(400);
  grown.records[5]!.text = "edited";
  grown.records.splice(10, 1);
  const r = await verifySplit(join(dir, "split_manifest.json"), grown);
  assert.equal(r.ok, false);
  assert.equal(r.dataset_hash_matches, false);
  assert.deepEqual(r.added, Array.from({ length: 100 }, (_, i) => `r${300 + i}`));
  assert.deepEqual(r.removed, ["r10"]);
  assert.deepEqual(r.changed, ["r5"]);
  assert.deepEqual([r.moved, r.reproduced], [[], true]);
  assert.deepEqual(r.problems, [
    "100 record(s) added since the split",
    "1 record(s) removed since the split",
    "1 record(s) changed since the split",
  ]);
  const stratified = join(dir, "stratified");
  await splitDataset(toy(300), { ...fractions, method: "hash", stratify: true, outDir: stratified });
  const unlabelled = toy(300);
  delete unlabelled.records[7]!.label;
  const u = await verifySplit(join(stratified, "split_manifest.json"), unlabelled);
  assert.deepEqual([u.changed, u.reproduced], [["r7"], false]);
  assert.equal(
    u.problems.at(-1),
    "the data cannot be split again with the manifest's settings (Cannot stratify toy: record r7 has no label)",
  );
  const shuffled = join(dir, "shuffled");
  await splitDataset(toy(300), { ...fractions, outDir: shuffled });
  assert.equal((await verifySplit(join(shuffled, "split_manifest.json"), grown)).reproduced, null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifySplit: a corrupted or missing ids file and a corrupted records.tsv are caught", async () => {
  const dir = await Deno.makeTempDir();
  const ds = toy(100);
  await splitDataset(ds, { ...fractions, outDir: dir });
  const manifest = join(dir, "split_manifest.json");
  await Deno.writeTextFile(join(dir, "train_ids.txt"), "r0\n", { append: true });
  await Deno.remove(join(dir, "test_ids.txt"));
  const r = await verifySplit(manifest, ds);
  assert.deepEqual(r.corrupted, ["train_ids.txt", "test_ids.txt"]);
  assert.deepEqual(r.problems, [
    "train_ids.txt fails its sha256 check (the train ids were edited or truncated)",
    "test_ids.txt is missing",
  ]);
  assert.equal(r.reproduced, null);
  assert.equal(r.dataset_hash_matches, true);
  await splitDataset(ds, { ...fractions, outDir: dir });
  await Deno.writeTextFile(join(dir, "records.tsv"), "r0\tdeadbeef\n");
  const t = await verifySplit(manifest, ds);
  assert.deepEqual([t.ok, t.corrupted, t.added, t.reproduced], [false, ["records.tsv"], [], true]);
  assert.deepEqual(t.problems, ["records.tsv is corrupted, so drift is not itemised"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifySplit: ids moved between consistent files, or edited settings, do not reproduce", async () => {
  const dir = await Deno.makeTempDir();
  const ds = toy(100);
  const m = await splitDataset(ds, { ...fractions, method: "hash", outDir: dir });
  const train = (await Deno.readTextFile(join(dir, "train_ids.txt"))).trim().split("\n");
  const val = (await Deno.readTextFile(join(dir, "val_ids.txt"))).trim().split("\n");
  [train[0], val[0]] = [val[0]!, train[0]!];
  for (const [s, list] of [["train", train], ["val", val]] as const) {
    const text = list.join("\n") + "\n";
    await Deno.writeTextFile(join(dir, `${s}_ids.txt`), text);
    m.splits[s]!.ids_sha256 = await sha256Hex(text);
  }
  await Deno.writeTextFile(join(dir, "split_manifest.json"), JSON.stringify(m));
  const r = await verifySplit(join(dir, "split_manifest.json"), ds);
  assert.deepEqual([r.ok, r.corrupted, r.reproduced], [false, [], false]);
  assert.deepEqual(r.moved.sort(), [train[0]!, val[0]!].sort());
  assert.deepEqual(r.problems, ["2 unchanged record(s) would now go to another split"]);
  const shuffled = await splitDataset(ds, { ...fractions, outDir: dir });
  await Deno.writeTextFile(join(dir, "split_manifest.json"), JSON.stringify({ ...shuffled, seed: 2 }));
  const s = await verifySplit(join(dir, "split_manifest.json"), ds);
  assert.equal(s.reproduced, false);
  assert.ok(s.moved.length > 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifySplit: reloads the data by name or path; reads schema 1 manifests; refuses unreadable ones", async () => {
  const dir = await Deno.makeTempDir();
  const records: DataRecord[] = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, text: `name ${i}` }));
  registerDataset({
    name: "verify-test",
    description: "",
    source: "",
    license: "",
    task: "language-modeling",
    fields: ["id", "text"],
    records: () => Promise.resolve({ records: [...records] }),
  }, { replace: true });
  await splitDataset("verify-test", { ...fractions, outDir: join(dir, "named") });
  assert.equal((await verifySplit(join(dir, "named", "split_manifest.json"))).ok, true);
  records.push({ id: "n40", text: "new" });
  assert.deepEqual((await verifySplit(join(dir, "named", "split_manifest.json"))).added, ["n40"]);

  const file = join(dir, "mail.jsonl");
  await Deno.copyFile(fileURLToPath(new URL("./testdata/mail.jsonl", import.meta.url)), file);
  const local = { text_field: "body", label_field: "class" };
  await splitDataset(file, { train: 0.5, val: 0.5, test: 0, local, outDir: join(dir, "file") });
  await Deno.writeTextFile(file, '{"body": "one more", "class": "ham"}\n', { append: true });
  assert.deepEqual((await verifySplit(join(dir, "file", "split_manifest.json"))).added, ["6"]);

  const m = JSON.parse(await Deno.readTextFile(join(dir, "named", "split_manifest.json")));
  const { records_sha256: _, ...v1 } = { ...m, schema_version: 1 };
  await Deno.writeTextFile(join(dir, "named", "split_manifest.json"), JSON.stringify(v1));
  records.pop();
  assert.equal((await verifySplit(join(dir, "named", "split_manifest.json"))).ok, true);
  await Deno.writeTextFile(join(dir, "bad.json"), "{ not json");
  await assert.rejects(() => verifySplit(join(dir, "bad.json")), {
    name: "SyntaxError",
    message: /^Cannot verify split: .*bad\.json cannot be read as JSON/,
  });
  await Deno.writeTextFile(join(dir, "bad.json"), JSON.stringify({ ...m, schema_version: 9 }));
  await assert.rejects(() => verifySplit(join(dir, "bad.json")), /has schema_version 9 \(expected 1 or 2\)/);
  await Deno.remove(dir, { recursive: true });
});
