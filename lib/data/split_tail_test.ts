import assert from "node:assert/strict";
import { splitTail } from "./split_tail.ts";

Deno.test("splitTail: holds out the last fraction as views; Moby-Dick's 1,190,317 characters leave 119,032 at 0.1", () => {
  const ids = new Uint16Array(1_190_317).map((_, i) => i % 83);
  const { train, val } = splitTail(ids, 0.1);
  assert.equal(train.length, 1_071_285);
  assert.equal(val.length, 119_032);
  assert.equal(val.buffer, ids.buffer, "a view, not a copy");
  assert.equal(val[0], ids[1_071_285]);
  for (const bad of [0, 1, -0.1, Number.NaN]) {
    assert.throws(() => splitTail(ids, bad), { name: "RangeError", message: /data\.val_fraction must be in \(0, 1\)/ });
  }
});
