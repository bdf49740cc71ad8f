import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../io/mod.ts";
import { tokenCache } from "./token_cache.ts";

const abc = { id: "char:abc", encode: (t: string) => [...t].map((c) => c.charCodeAt(0) - 97) };

Deno.test("tokenCache: built once, then reused; keyed by the tokenizer's and the text's hashes", async () => {
  const dir = await Deno.makeTempDir();
  const a = await tokenCache("abcabc", abc, dir);
  assert.equal(a.hit, false);
  assert.deepEqual([...a.ids], [0, 1, 2, 0, 1, 2]);
  assert.ok(a.ids instanceof Uint16Array);
  const stem = `${(await sha256Hex("char:abc")).slice(0, 16)}-${(await sha256Hex("abcabc")).slice(0, 16)}`;
  assert.equal(a.path, join(dir, `${stem}.bin`));
  assert.equal((await Deno.stat(a.path)).size, 12);
  const meta = JSON.parse(await Deno.readTextFile(join(dir, `${stem}.json`)));
  assert.deepEqual(meta, {
    tokenizer_sha256: await sha256Hex("char:abc"),
    data_sha256: await sha256Hex("abcabc"),
    dtype: "uint16",
    tokens: 6,
    sha256: await sha256Hex(await Deno.readFile(a.path)),
  });
  const again = await tokenCache("abcabc", { ...abc, encode: () => assert.fail("a hit must not encode") }, dir);
  assert.equal(again.hit, true);
  assert.deepEqual([...again.ids], [0, 1, 2, 0, 1, 2]);
  assert.equal((await tokenCache("abcab", abc, dir)).hit, false, "other text");
  assert.equal((await tokenCache("abcabc", { ...abc, id: "char:v2" }, dir)).hit, false, "other tokenizer");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("tokenCache: a flipped bit or a truncated file is rebuilt; ids above 65535 are stored as int32", async () => {
  const dir = await Deno.makeTempDir();
  const a = await tokenCache("abcabc", abc, dir);
  const bytes = await Deno.readFile(a.path);
  bytes[0]! ^= 1;
  await Deno.writeFile(a.path, bytes);
  const rebuilt = await tokenCache("abcabc", abc, dir);
  assert.equal(rebuilt.hit, false);
  assert.deepEqual([...rebuilt.ids], [0, 1, 2, 0, 1, 2]);
  await Deno.truncate(a.path, 5);
  assert.equal((await tokenCache("abcabc", abc, dir)).hit, false);
  const wide = { id: "wide", encode: (t: string) => [...t].map((_, i) => 70_000 + i) };
  const w = await tokenCache("xyz", wide, dir);
  assert.ok(w.ids instanceof Int32Array);
  assert.deepEqual([...w.ids], [70_000, 70_001, 70_002]);
  const reused = await tokenCache("xyz", wide, dir);
  assert.ok(reused.hit && reused.ids instanceof Int32Array);
  assert.deepEqual([...reused.ids], [70_000, 70_001, 70_002]);
  await assert.rejects(() => tokenCache("ab", { id: "neg", encode: () => [3, -1] }, dir), {
    name: "RangeError",
    message: "Cannot cache tokens: the tokenizer gave id -1 at position 1 (ids must be integers in [0, 2^31))",
  });
  await Deno.remove(dir, { recursive: true });
});
