// `deno task data` as users run it, with the task's own permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { taskCommand } from "./_task.ts";

const run = (args: string[]) => taskCommand("data", args).output();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("data task: list, split, verify, and one-line errors", async () => {
  assert.equal((await run(["--help"])).code, 0);
  const list = await run(["list"]);
  assert.match(text(list.stdout), /spam-assassin\s+classification/);
  const dir = await Deno.makeTempDir();
  const split = await run([
    "split",
    "first-names",
    "--out",
    dir,
    "--train",
    "0.9",
    "--val",
    "0.05",
    "--test",
    "0.05",
    "--stratify",
  ]);
  assert.equal(split.code, 0, text(split.stderr));
  assert.match(text(split.stdout), /^train\s+7964\s+\{"female":4456,"male":3508\}/m);
  const verify = await run(["verify", join(dir, "split_manifest.json")]);
  assert.equal(verify.code, 0);
  assert.match(text(verify.stdout), /^ok: the split matches its data/);
  const bad = await run(["split", "first-names", "--out", dir, "--train", "0.9"]);
  assert.equal(bad.code, 1);
  assert.match(text(bad.stderr).trim(), /^error: Cannot split: fractions must sum to 1 \(got 1\.1/);
  const unknown = await run(["frobnicate"]);
  assert.match(text(unknown.stderr).trim(), /^error: Cannot run data: unknown command "frobnicate"/);
  await Deno.remove(dir, { recursive: true });
});
