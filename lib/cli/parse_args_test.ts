import assert from "node:assert/strict";
import { parseTaskArgs } from "./parse_args.ts";

const SPEC = { help: { type: "boolean", short: "h" }, out: { type: "string" } } as const;

Deno.test("parseTaskArgs: flags by name, overrides in order (key=value, +key, ++key, ~key)", () => {
  const a = parseTaskArgs(
    ["--out", "x.json", "model=gpt-nano", "-h", "+train.extra=1", "++seed=3", "~train.clip", "train.lr=3e-4"],
    SPEC,
  );
  assert.deepEqual({ ...a.flags }, { out: "x.json", help: true });
  assert.deepEqual(a.overrides, ["model=gpt-nano", "+train.extra=1", "++seed=3", "~train.clip", "train.lr=3e-4"]);
  assert.deepEqual(a.positionals, []);
});

Deno.test("parseTaskArgs: no arguments give empty flags and lists", () => {
  const a = parseTaskArgs([], SPEC);
  assert.deepEqual({ ...a.flags }, {});
  assert.deepEqual(a.overrides, []);
  assert.deepEqual(a.positionals, []);
});

Deno.test("parseTaskArgs: positionals only with allowPositionals, kept apart from overrides", () => {
  const a = parseTaskArgs(["runs", "a=1", "20261123-201500-ab12", "~"], SPEC, { allowPositionals: true });
  assert.deepEqual(a.overrides, ["a=1"]);
  assert.deepEqual(a.positionals, ["runs", "20261123-201500-ab12", "~"]);
  assert.throws(
    () => parseTaskArgs(["a=1", "runs"], SPEC),
    (err: unknown) => {
      assert.ok(err instanceof SyntaxError);
      assert.equal(err.message, 'Cannot parse arguments: unexpected argument "runs" (overrides look like key=value)');
      return true;
    },
  );
});

Deno.test("parseTaskArgs: unknown flags and missing flag values are a one-line SyntaxError", () => {
  for (const args of [["--nope"], ["--out"], ["--help=yes"]]) {
    assert.throws(
      () => parseTaskArgs(args, SPEC),
      (err: unknown) => {
        assert.ok(err instanceof SyntaxError);
        assert.match(err.message, /^Cannot parse arguments: \S/);
        assert.ok(!err.message.includes("\n"), err.message);
        return true;
      },
      args.join(" "),
    );
  }
  assert.throws(() => parseTaskArgs(["--nope"], SPEC), /Cannot parse arguments: Unknown option '--nope'/);
});
