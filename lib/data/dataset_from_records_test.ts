import assert from "node:assert/strict";
import { datasetFromRecords } from "./dataset_from_records.ts";
import { datasetContentHash } from "./dataset_content_hash.ts";
import type { DatasetCard } from "./types.ts";

const card: DatasetCard = {
  name: "toy",
  description: "toy",
  source: "inline",
  license: "CC0-1.0",
  task: "classification",
  fields: ["id", "text", "label"],
  size: { records: 99, characters: 99 },
  labels: { stale: 1 },
};

Deno.test("datasetFromRecords: measures the card and streams the records", async () => {
  const records = [{ id: "a", text: "héllo", label: "x" }, { id: "b", text: "yo", label: "y" }, { id: "c", text: "" }];
  const ds = datasetFromRecords(card, records, { replaced: 2 });
  assert.equal(ds.name, "toy");
  assert.deepEqual(ds.card.size, { records: 3, characters: 7 });
  assert.deepEqual(ds.card.labels, { x: 1, y: 1 });
  assert.equal(ds.card.replaced_characters, 2);
  assert.equal(ds.card.content_sha256, datasetContentHash(records));
  const seen = [];
  for await (const r of ds.stream()) seen.push(r.id);
  assert.deepEqual(seen, ["a", "b", "c"]);
  const unlabelled = datasetFromRecords(card, [{ id: "a", text: "x" }]);
  assert.equal(unlabelled.card.labels, undefined, "stale label counts do not survive");
  assert.equal(unlabelled.card.replaced_characters, 0);
});

Deno.test("datasetFromRecords: repeated ids and records of the wrong shape are refused, naming the record", () => {
  assert.throws(
    () => datasetFromRecords(card, [{ id: "a", text: "x" }, { id: "b", text: "y" }, { id: "a", text: "z" }]),
    { name: "TypeError", message: 'Cannot load dataset: toy record 3 repeats id "a" (first used by record 1)' },
  );
  assert.throws(
    () => datasetFromRecords(card, [{ id: "a", text: 5 as unknown as string }]),
    {
      name: "TypeError",
      message: "Cannot load dataset: toy record 1 needs a string id and text (got id string, text number)",
    },
  );
  assert.throws(
    () => datasetFromRecords(card, [{ id: "a", text: "x", label: 1 as unknown as string }]),
    /toy record a has a number label \(expected a string\)/,
  );
});
