import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { registerDataset } from "./dataset_registry.ts";
import { loadDataset, loadText } from "./load_dataset.ts";

const card = { description: "test", source: "inline", license: "CC0-1.0", fields: ["id", "text"] };

Deno.test("loadDataset: an entry with only a text gives one record; loadText of records-only entries joins lines", async () => {
  registerDataset({ ...card, name: "load-test-text", task: "language-modeling", load: () => Promise.resolve("abc") }, {
    replace: true,
  });
  const one = await loadDataset("load-test-text");
  assert.deepEqual(one.records, [{ id: "load-test-text", text: "abc" }]);
  assert.deepEqual(one.card.size, { records: 1, characters: 3 });
  registerDataset({
    ...card,
    name: "load-test-records",
    task: "classification",
    records: () =>
      Promise.resolve({ records: [{ id: "1", text: "hi", label: "a" }, { id: "2", text: "yo", label: "b" }] }),
  }, { replace: true });
  assert.equal(await loadText("load-test-records"), "hi\nyo\n");
  const ds = await loadDataset("load-test-records");
  assert.deepEqual(ds.card.labels, { a: 1, b: 1 });
  assert.equal(ds.card.replaced_characters, 0);
});

Deno.test("loadDataset: a path goes to the local loaders; an unknown name lists the known ones", async () => {
  const path = fileURLToPath(new URL("./testdata/lines.txt", import.meta.url));
  assert.equal((await loadDataset(path)).records.length, 3);
  await assert.rejects(() => loadDataset("wikipedia"), {
    name: "RangeError",
    message:
      /^Cannot load dataset: unknown dataset "wikipedia" \(known: .*first-names, .*moby-dick, sotu, spam-assassin.*, or a file path\)$/,
  });
  await assert.rejects(() => loadText("wikipedia"), /unknown dataset "wikipedia"/);
});

Deno.test("loadText: a local text file is the training text as it is, blank lines kept; JSONL gives one text per line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/p.txt`, "para one\n\npara two\n");
    assert.equal(await loadText(`${dir}/p.txt`), "para one\n\npara two\n");
    await Deno.writeTextFile(`${dir}/r.jsonl`, '{"text":"a b"}\n{"text":"c"}\n');
    assert.equal(await loadText(`${dir}/r.jsonl`), "a b\nc\n");
    await assert.rejects(() => loadText(`${dir}/missing.txt`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
