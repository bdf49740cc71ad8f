import assert from "node:assert/strict";
import { parseKeyValues } from "./key_values.ts";

const KNOWN = ["steps", "name", "lr"] as const;

Deno.test("parseKeyValues: get/has return the raw values of given keys; the last of repeated keys wins", () => {
  const kv = parseKeyValues(["steps=10", "name=a=b", "name=c=d", "lr="], KNOWN, "run the bench");
  assert.equal(kv.get("steps"), "10");
  assert.equal(kv.get("name"), "c=d");
  assert.equal(kv.get("lr"), "");
  assert.equal(kv.has("steps"), true);
  assert.equal(kv.has("lr"), true);
  assert.equal(parseKeyValues([], KNOWN, "x").has("steps"), false);
  assert.equal(parseKeyValues([], KNOWN, "x").get("steps"), undefined);
});

Deno.test("parseKeyValues: num parses numbers and falls back when the key is absent", () => {
  const kv = parseKeyValues(["steps=10", "lr=3e-4"], KNOWN, "run the bench");
  assert.equal(kv.num("steps", 5), 10);
  assert.equal(kv.num("lr", 1), 3e-4);
  assert.equal(kv.num("name", 7), 7);
  assert.equal(parseKeyValues(["steps= 0x10 "], KNOWN, "x").num("steps", 0), 16);
});

Deno.test("parseKeyValues: unknown keys are a RangeError listing the known keys", () => {
  assert.throws(
    () => parseKeyValues(["steps=1", "stpes=2"], KNOWN, "run the bench"),
    (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.equal(err.message, 'Cannot run the bench: unknown key "stpes" (known: steps, name, lr)');
      return true;
    },
  );
});

Deno.test("parseKeyValues: a non-number, blank or infinite value of a numeric key is a TypeError naming the key", () => {
  for (const raw of ["ten", "", "   ", "Infinity", "1e400", "NaN"]) {
    const kv = parseKeyValues([`steps=${raw}`], KNOWN, "run the bench");
    assert.throws(
      () => kv.num("steps", 1),
      (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.equal(err.message, `Cannot run the bench: steps must be a number (got "${raw}")`);
        return true;
      },
      raw,
    );
  }
});

Deno.test("parseKeyValues: a known key without =VALUE is a SyntaxError, not its own name as the value", () => {
  assert.throws(() => parseKeyValues(["steps"], KNOWN, "run the bench"), {
    name: "SyntaxError",
    message: "Cannot run the bench: steps has no value (write steps=VALUE)",
  });
});
