import assert from "node:assert/strict";
import { sha256Hex } from "../io/mod.ts";
import { listDatasets } from "./dataset_registry.ts";
import { loadDataset, loadText } from "./load_dataset.ts";
import { STDLIB_CORPORA } from "./stdlib_corpora.ts";

Deno.test("stdlib corpora: each loads offline and measures exactly what its shipped card in data/cards says", async () => {
  assert.deepEqual(STDLIB_CORPORA.map((e) => e.name), ["moby-dick", "first-names", "sotu", "spam-assassin"]);
  for (const shipped of listDatasets().filter((c) => STDLIB_CORPORA.some((e) => e.name === c.name))) {
    const ds = await loadDataset(shipped.name);
    assert.deepEqual(ds.card, shipped, `${shipped.name}: card and data disagree`);
    assert.match(shipped.content_sha256 ?? "", /^[0-9a-f]{64}$/);
  }
});

Deno.test("stdlib corpora: the training texts stay byte for byte what runs were trained on", async () => {
  const moby = await loadText("moby-dick");
  assert.equal(moby.length, 1_190_317);
  assert.equal(await sha256Hex(moby), "fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240");
  const names = await loadText("first-names");
  assert.equal(names.split("\n").length - 1, 8_849);
  assert.ok(names.startsWith("Aaron\n") && names.endsWith("\n"));
  assert.equal(await sha256Hex(names), "773e547c87874d475bd78e08edaba93be44a6ae97a3852b1f69f0b531226d760");
});

Deno.test("stdlib corpora: records carry the packages' structure (sections, labels, metadata, mail groups)", async () => {
  const moby = await loadDataset("moby-dick");
  assert.deepEqual(moby.records.slice(0, 4).map((r) => r.id), ["contents", "etymology", "extracts", "chapter_1"]);
  assert.equal(moby.records.at(-1)!.id, "epilogue");
  const names = await loadDataset("first-names");
  assert.deepEqual(names.records[0], { id: "male-0", text: "Aaron", label: "male" });
  const sotu = await loadDataset("sotu");
  assert.equal(sotu.records[0]!.id, "1790_george_washington_n");
  assert.deepEqual(sotu.records[0]!.meta, { year: 1790, president: "George Washington", party: "none" });
  assert.deepEqual(sotu.records.at(-1)!.meta, { year: 2021, president: "Joseph R Biden", party: "Democratic" });
  const spam = await loadDataset("spam-assassin");
  const groups: Record<string, number> = {};
  for (const r of spam.records) {
    const g = String(r.meta!.group);
    groups[g] = (groups[g] ?? 0) + 1;
    assert.equal(r.label, g.startsWith("spam") ? "spam" : "ham");
    assert.ok(r.id.startsWith(`${g}/`));
  }
  assert.deepEqual(groups, {
    "easy-ham-1": 2500,
    "easy-ham-2": 1400,
    "hard-ham-1": 250,
    "spam-1": 500,
    "spam-2": 1396,
  });
});
