import assert from "node:assert/strict";
import { sha256Hex } from "../io/mod.ts";
import { _hashRecords, datasetContentHash, recordContentHash } from "./dataset_content_hash.ts";

Deno.test("recordContentHash: the SHA-256 of [id, text, label or null]; meta is not content", async () => {
  assert.equal(recordContentHash({ id: "1", text: "hi" }), await sha256Hex('["1","hi",null]'));
  assert.equal(
    recordContentHash({ id: "1", text: "hi", label: "ham", meta: { from: "ann" } }),
    await sha256Hex('["1","hi","ham"]'),
  );
});

Deno.test("datasetContentHash: the SHA-256 of the record hashes, one per line, in order", async () => {
  const records = [{ id: "a", text: "x" }, { id: "b", text: "y", label: "l" }];
  const { hashes, hash } = _hashRecords(records);
  assert.deepEqual(hashes, [recordContentHash(records[0]!), recordContentHash(records[1]!)]);
  assert.equal(hash, await sha256Hex(hashes.join("\n")));
  assert.equal(datasetContentHash(records), hash);
  assert.equal(datasetContentHash([]), await sha256Hex(""));
});
