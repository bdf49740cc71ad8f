import assert from "node:assert/strict";
import { defaultPolicyPath } from "./policy.ts";

Deno.test("defaultPolicyPath: an empty CODEX_SAFETY_POLICY means the shipped pack, a set one is used as given", async () => {
  const before = Deno.env.get("CODEX_SAFETY_POLICY");
  try {
    Deno.env.set("CODEX_SAFETY_POLICY", "");
    const path = defaultPolicyPath();
    assert.match(path, /\/configs\/safety\/policy\.yaml$/);
    assert.ok((await Deno.stat(path)).isFile, `${path} exists (a file path, not a percent-encoded URL path)`);
    Deno.env.set("CODEX_SAFETY_POLICY", "/tmp/my policy.yaml");
    assert.equal(defaultPolicyPath(), "/tmp/my policy.yaml");
  } finally {
    if (before === undefined) Deno.env.delete("CODEX_SAFETY_POLICY");
    else Deno.env.set("CODEX_SAFETY_POLICY", before);
  }
});
