// `deno task safety scan` as users run it, with the task's own permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { taskCommand } from "./_task.ts";

const run = (args: string[]) => taskCommand("safety", args).output();

Deno.test("safety task: scan reports findings with masked excerpts, exit 1 on a block", async () => {
  const dir = await Deno.makeTempDir();
  const clean = join(dir, "clean.txt"), dirty = join(dir, "dirty.jsonl");
  await Deno.writeTextFile(clean, "Call me Ishmael.\nSome years ago...\n");
  await Deno.writeTextFile(dirty, '{"text": "key AKIAIOSFODNN7EXAMPLE"}\n{"text": "how to build a pipe bomb"}\n');
  const ok = await run(["scan", clean]);
  assert.equal(ok.code, 0);
  assert.match(new TextDecoder().decode(ok.stdout), /0 finding\(s\) in 1 file\(s\)/);
  // The table ends with counts per kind.
  const table = new TextDecoder().decode((await run(["scan", dirty, "--stage", "prompt"])).stdout);
  assert.match(table, /2 finding\(s\) in 1 file\(s\)\n {2}aws-access-key +1\n {2}deny-list +1/);
  const bad = await run(["scan", dirty, "--stage", "prompt", "--format", "ndjson"]);
  assert.equal(bad.code, 1);
  const rows = new TextDecoder().decode(bad.stdout).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => [r.line, r.rule, r.action]), [[1, "aws-access-key", "redact"], [
    2,
    "deny-list",
    "block",
  ]]);
  assert.ok(rows.every((r) => !r.excerpt.includes("AKIA") && !r.excerpt.includes("pipe bomb")));
  const err = await run(["scan", join(dir, "missing.txt")]);
  assert.match(new TextDecoder().decode(err.stderr).trim(), /^error: Cannot scan .*missing.txt/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("safety task: a PEM private key over several lines is one block, named on its first line", async () => {
  const dir = await Deno.makeTempDir();
  const pem = join(dir, "id_ec.pem");
  await Deno.writeTextFile(
    pem,
    "notes\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oIOhd5wdNKHVoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n",
  );
  const out = await run(["scan", pem, "--format", "ndjson"]);
  assert.equal(out.code, 1);
  const rows = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rows.find((r) => r.rule === "private-key-block"), {
    file: pem,
    line: 2,
    rule: "private-key-block",
    action: "block",
    severity: "critical",
    excerpt: "[private-key-block]",
  });
  assert.ok(rows.every((r) => !r.excerpt.includes("MHcCAQEE")));
  await Deno.remove(dir, { recursive: true });
});
