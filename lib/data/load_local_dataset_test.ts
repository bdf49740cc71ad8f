import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadLocalDataset } from "./load_local_dataset.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

Deno.test("local text: a record per non-empty line, ids are line numbers; or the whole file; UTF-16 too", async () => {
  const lines = await loadLocalDataset(fixture("lines.txt"));
  assert.deepEqual(lines.records, [
    { id: "1", text: "Call me Ishmael." },
    { id: "3", text: "Some years ago, never mind how long precisely." },
    { id: "5", text: "It is a way I have." },
  ]);
  assert.equal(lines.card.task, "language-modeling");
  assert.equal(lines.card.name, fixture("lines.txt"));
  const whole = await loadLocalDataset(fixture("lines.txt"), { unit: "file" });
  assert.equal(whole.records.length, 1);
  assert.equal(whole.records[0]!.text.length, 89);
  const utf16 = await loadLocalDataset(fixture("utf16.txt"));
  assert.deepEqual(utf16.records.map((r) => r.text), ["whale", "sea"]);
  await assert.rejects(() => loadLocalDataset(fixture("lines.txt"), { text_field: "body" }), {
    name: "TypeError",
    message: "Cannot load dataset: lines.txt is plain text and has no fields (got text_field)",
  });
});

Deno.test("local JSONL and JSON: field mapping, other fields kept as meta, record numbers are line numbers", async () => {
  const mail = await loadLocalDataset(fixture("mail.jsonl"), { text_field: "body", label_field: "class" });
  assert.deepEqual(mail.records.map((r) => [r.id, r.label, r.meta?.from]), [
    ["1", "ham", "ann@example.com"],
    ["2", "spam", "promo@example.net"],
    ["4", "ham", "ann@example.com"],
    ["5", "spam", "promo@example.net"],
  ]);
  assert.equal(mail.records[1]!.text, "WIN A FREE CRUISE");
  assert.equal(mail.card.task, "classification");
  assert.deepEqual(mail.card.fields, ["id", "text", "label", "meta.from"]);
  assert.deepEqual(mail.card.labels, { ham: 2, spam: 2 });
  const byFrom = await loadLocalDataset(fixture("names.json"), { text_field: "name", id_field: "name" });
  assert.deepEqual(byFrom.records[2], { id: "Charity", text: "Charity", meta: { sex: "female" } });
});

Deno.test("local JSONL: a missing field names the file, the first record without it and its fields; bad JSON is a SyntaxError", async () => {
  await assert.rejects(() => loadLocalDataset(fixture("no_text.jsonl")), {
    name: "TypeError",
    message: 'Cannot load dataset: no_text.jsonl record 3 has no field "text" (fields: body, class)',
  });
  await assert.rejects(() => loadLocalDataset(fixture("mail.jsonl"), { text_field: "body", label_field: "label" }), {
    name: "TypeError",
    message: 'Cannot load dataset: mail.jsonl record 1 has no field "label" (fields: body, class, from)',
  });
  await assert.rejects(() => loadLocalDataset(fixture("broken.jsonl")), {
    name: "SyntaxError",
    message: /^Cannot load dataset: broken\.jsonl line 2 is not JSON \(/,
  });
  await assert.rejects(() => loadLocalDataset(fixture("mail.jsonl"), { text_field: "body", id_field: "from" }), {
    name: "TypeError",
    message: 'Cannot load dataset: mail.jsonl record 4 repeats id "ann@example.com" (first used by record 1)',
  });
  await assert.rejects(() => loadLocalDataset(fixture("names.json"), { text_field: "name", label_field: "nope" }), {
    message: 'Cannot load dataset: names.json record 1 has no field "nope" (fields: name, sex)',
  });
});

Deno.test("local CSV and Parquet through DuckDB: columns stay text, ids like 007 survive, numbers become labels", async () => {
  const csv = await loadLocalDataset(fixture("mail.csv"), { label_field: "label", id_field: "id" });
  assert.deepEqual(csv.records, [
    { id: "007", text: "Dear friend, you won", label: "spam" },
    { id: "008", text: "See you at 5", label: "ham" },
    { id: "009", text: 'He said "hi"', label: "ham" },
  ]);
  const pq = await loadLocalDataset(fixture("reviews.parquet"), { text_field: "review", label_field: "sentiment" });
  assert.deepEqual(pq.records[1], { id: "2", text: "dull and long", label: "neg", meta: { review_id: 2, stars: "1" } });
  const byStars = await loadLocalDataset(fixture("reviews.parquet"), {
    text_field: "review",
    label_field: "review_id",
  });
  assert.deepEqual(byStars.records.map((r) => r.label), ["1", "2", "3"]);
  await assert.rejects(() => loadLocalDataset(fixture("reviews.parquet")), {
    name: "TypeError",
    message:
      'Cannot load dataset: reviews.parquet record 1 has no field "text" (fields: review_id, review, stars, sentiment)',
  });
});

Deno.test("local CSV with bytes that are not UTF-8, or in UTF-16: decoded (with replacement, counted), never thrown", async () => {
  const ds = await loadLocalDataset(fixture("latin1.csv"), { label_field: "label" });
  assert.deepEqual(ds.records.map((r) => r.text), ["caf\uFFFD au lait", "na\uFFFDve offer \uFFFD\uFFFD"]);
  assert.equal(ds.card.replaced_characters, 4);
  const utf16 = await loadLocalDataset(fixture("utf16.tsv"), { label_field: "label" });
  assert.deepEqual(utf16.records, [{ id: "1", text: "naïve", label: "ham" }, {
    id: "2",
    text: "win €100",
    label: "spam",
  }]);
  assert.equal(utf16.card.replaced_characters, 0);
});

Deno.test("local files: unknown formats and missing files are refused with the path", async () => {
  await assert.rejects(() => loadLocalDataset("notes.xml"), {
    name: "RangeError",
    message: /^Cannot load dataset: notes\.xml has an unknown format "\.xml" \(expected \.txt, \.jsonl/,
  });
  await assert.rejects(() => loadLocalDataset(fixture("absent.parquet")), /absent\.parquet cannot be read/);
  await assert.rejects(() => loadLocalDataset(fixture("mail.csv"), { unit: "file" }), /unit applies to plain text/);
});
