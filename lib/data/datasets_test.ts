import assert from "node:assert/strict";
import { join } from "node:path";
import {
  decodeText,
  EpochBatcher,
  listDatasets,
  loadDataset,
  loadText,
  splitDataset,
  tokenCache,
  verifySplit,
} from "./mod.ts";
import { describe } from "./dataset.ts";

Deno.test("decodeText: bad UTF-8 becomes U+FFFD and is counted; U+FFFD already there is not", () => {
  const d = decodeText(new Uint8Array([0x68, 0xe9, 0x6c, 0x6c, 0x6f, 0xef, 0xbf, 0xbd]));
  assert.equal(d.text, "h\uFFFDllo\uFFFD");
  assert.equal(d.replaced, 1);
});

Deno.test("registry: the four corpora load offline with cards, labels and replaced-character counts", async () => {
  assert.deepEqual(listDatasets().map((c) => c.name), ["first-names", "moby-dick", "sotu", "spam-assassin"]);
  const names = await loadDataset("first-names");
  assert.deepEqual(names.card.labels, { male: 3898, female: 4951 });
  assert.equal((await loadText("first-names")).split("\n").filter(Boolean).length, names.records.length);
  const sotu = await loadDataset("sotu");
  assert.equal(sotu.records.length, 233);
  assert.deepEqual(sotu.records[0]!.meta, { year: 1790, president: "George Washington", party: "none" });
  const spam = await loadDataset("spam-assassin");
  assert.equal(spam.card.task, "classification");
  assert.deepEqual(spam.card.labels, { ham: 4150, spam: 1896 });
  assert.ok(spam.card.replaced_characters! > 0, "odd encodings are decoded with replacement, not thrown on");
  assert.equal(new Set(spam.records.map((r) => r.id)).size, spam.records.length);
  const moby = await loadDataset("moby-dick");
  assert.ok(moby.records.length > 130 && moby.records.some((r) => r.id === "chapter_1"));
  let n = 0;
  for await (const _ of names.stream()) n++;
  assert.equal(n, names.records.length);
  await assert.rejects(
    () => loadDataset("wikipedia"),
    /unknown dataset "wikipedia" \(known: first-names, moby-dick, sotu, spam-assassin/,
  );
});

Deno.test("local files: text, JSONL, CSV and Parquet (DuckDB) with field mappings; missing fields are named", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "a.txt"), "first line\n\nsecond line\n");
  assert.deepEqual((await loadDataset(join(dir, "a.txt"))).records.map((r) => r.text), ["first line", "second line"]);
  await Deno.writeTextFile(join(dir, "b.jsonl"), '{"body":"hi","y":"ham"}\n{"body":"win money","y":"spam"}\n');
  const b = await loadDataset(join(dir, "b.jsonl"), { text_field: "body", label_field: "y" });
  assert.deepEqual(b.records.map((r) => [r.text, r.label]), [["hi", "ham"], ["win money", "spam"]]);
  await assert.rejects(
    () => loadDataset(join(dir, "b.jsonl")),
    /b.jsonl record 1 has no field "text" \(fields: body, y\)/,
  );
  await Deno.writeTextFile(join(dir, "c.csv"), 'id,text,label\n7,"hello, world",1\n9,bye,0\n');
  const c = await loadDataset(join(dir, "c.csv"), { label_field: "label", id_field: "id" });
  assert.deepEqual(c.records, [{ id: "7", text: "hello, world", label: "1" }, { id: "9", text: "bye", label: "0" }]);
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const conn = await (await DuckDBInstance.create(":memory:")).connect();
  await conn.run(`COPY (SELECT 'a parquet row' AS text, 'x' AS label) TO '${join(dir, "d.parquet")}' (FORMAT parquet)`);
  conn.closeSync();
  const d = await loadDataset(join(dir, "d.parquet"), { label_field: "label" });
  assert.deepEqual(d.records, [{ id: "0", text: "a parquet row", label: "x" }]);
  await assert.rejects(() => loadDataset(join(dir, "e.xml")), /cannot be read|unknown format/);
  await Deno.remove(dir, { recursive: true });
});

function toy(n: number, labelled = true) {
  return describe(
    { name: "toy", description: "", source: "", license: "", task: "classification", fields: [] },
    Array.from(
      { length: n },
      (_, i) => ({ id: `r${i}`, text: `text ${i}`, ...(labelled ? { label: i % 4 === 0 ? "a" : "b" } : {}) }),
    ),
  );
}

Deno.test("splitDataset: deterministic, stratified, refuses bad fractions and empty splits", async () => {
  const dir = await Deno.makeTempDir();
  const ds = toy(200);
  const m1 = await splitDataset(ds, {
    train: 0.8,
    val: 0.1,
    test: 0.1,
    seed: 3,
    outDir: join(dir, "1"),
    stratify: true,
  });
  const m2 = await splitDataset(ds, {
    train: 0.8,
    val: 0.1,
    test: 0.1,
    seed: 3,
    outDir: join(dir, "2"),
    stratify: true,
  });
  assert.deepEqual(
    Object.values(m1.splits).map((s) => s.ids_sha256),
    Object.values(m2.splits).map((s) => s.ids_sha256),
  );
  assert.deepEqual(m1.splits.train!.labels, { a: 40, b: 120 });
  assert.deepEqual(m1.splits.val!.labels, { a: 5, b: 15 });
  const m3 = await splitDataset(ds, { train: 0.8, val: 0.1, test: 0.1, seed: 4, outDir: join(dir, "3") });
  assert.notEqual(m3.splits.train!.ids_sha256, m1.splits.train!.ids_sha256);
  await assert.rejects(
    () => splitDataset(ds, { train: 0.8, val: 0.3, test: 0.1, outDir: dir }),
    /fractions must sum to 1 \(got 1.2/,
  );
  await assert.rejects(
    () => splitDataset(toy(5), { train: 0.9, val: 0.05, test: 0.05, outDir: dir }),
    /the val split would be empty/,
  );
  await assert.rejects(
    () => splitDataset(toy(5, false), { train: 0.6, val: 0.2, test: 0.2, outDir: dir, stratify: true }),
    /has no label/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("splitDataset by hash: adding records never moves old ones; verifySplit reports drift and corruption", async () => {
  const dir = await Deno.makeTempDir();
  const small = toy(300);
  const m = await splitDataset(small, { train: 0.7, val: 0.15, test: 0.15, seed: 1, method: "hash", outDir: dir });
  const ids = async (s: string) => (await Deno.readTextFile(join(dir, `${s}_ids.txt`))).trim().split("\n");
  const before = await ids("val");
  assert.ok((await verifySplit(join(dir, "split_manifest.json"), small)).ok);
  const grown = toy(400);
  grown.records[5]!.text = "edited";
  grown.records.splice(10, 1);
  const r = await verifySplit(join(dir, "split_manifest.json"), grown);
  assert.equal(r.ok, false);
  assert.equal(r.added.length, 100);
  assert.deepEqual(r.removed, ["r10"]);
  assert.deepEqual(r.changed, ["r5"]);
  const dir2 = await Deno.makeTempDir();
  await splitDataset(grown, { train: 0.7, val: 0.15, test: 0.15, seed: 1, method: "hash", outDir: dir2 });
  const after = (await Deno.readTextFile(join(dir2, "val_ids.txt"))).trim().split("\n");
  assert.ok(before.filter((id) => id !== "r10").every((id) => after.includes(id)), "old records keep their split");
  await Deno.writeTextFile(join(dir, "train_ids.txt"), "r0\n", { append: true });
  assert.deepEqual((await verifySplit(join(dir, "split_manifest.json"), small)).corrupted, ["train_ids.txt"]);
  assert.equal(m.method, "hash");
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(dir2, { recursive: true });
});

Deno.test("tokenCache: built once, reused, rebuilt when the tokenizer, the data or the file changes", async () => {
  const dir = await Deno.makeTempDir();
  const tok = { id: "char:abc", encode: (t: string) => [...t].map((c) => c.charCodeAt(0) - 97) };
  const a = await tokenCache("abcabc", tok, dir);
  assert.equal(a.hit, false);
  assert.deepEqual([...a.ids], [0, 1, 2, 0, 1, 2]);
  assert.ok(a.ids instanceof Uint16Array);
  assert.equal((await tokenCache("abcabc", tok, dir)).hit, true);
  assert.equal((await tokenCache("abcab", tok, dir)).hit, false);
  assert.equal((await tokenCache("abcabc", { ...tok, id: "char:v2" }, dir)).hit, false);
  const bytes = await Deno.readFile(a.path);
  bytes[0]! ^= 1;
  await Deno.writeFile(a.path, bytes);
  const rebuilt = await tokenCache("abcabc", tok, dir);
  assert.equal(rebuilt.hit, false);
  assert.deepEqual([...rebuilt.ids], [0, 1, 2, 0, 1, 2]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("EpochBatcher: every epoch is a permutation, seeded, and resumes from its state", () => {
  const b = new EpochBatcher(10, 4, 7);
  const epoch0 = [...b.next(), ...b.next(), ...b.next()];
  assert.deepEqual([...epoch0].sort((x, y) => x - y), [...Array(10).keys()]);
  const saved = b.state();
  const rest = [b.next(), b.next()];
  const again = EpochBatcher.fromState(saved);
  assert.deepEqual([again.next(), again.next()], rest);
  assert.equal(b.epoch, 1);
  assert.notDeepEqual(epoch0, [...rest[0]!, ...rest[1]!]);
  assert.throws(() => new EpochBatcher(0, 4, 1), /the dataset has 0 examples/);
});
