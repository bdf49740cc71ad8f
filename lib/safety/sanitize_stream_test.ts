import assert from "node:assert/strict";
import { loadPolicy, SafetyViolation, sanitizeStream } from "./mod.ts";

const pack = await loadPolicy(new URL("../../configs/safety/policy.yaml", import.meta.url).pathname);
const TOKEN = "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";

async function collect(chunks: string[], holdBack?: number): Promise<string[]> {
  const out: string[] = [];
  const opts = { stage: "output" as const, policy: pack, noLog: true, ...(holdBack ? { holdBack } : {}) };
  for await (const piece of sanitizeStream(chunks, opts)) out.push(piece);
  return out;
}

Deno.test("sanitizeStream: a secret split across chunks is redacted, nothing is emitted twice", async () => {
  const text = `Here is the token ${TOKEN} and some more words to follow after it. `.repeat(20);
  for (const size of [1, 3, 7, 50]) {
    const chunks = text.match(new RegExp(`[^]{1,${size}}`, "g"))!;
    const out = await collect(chunks, 64);
    const joined = out.join("");
    assert.ok(!joined.includes("ghp_wWPw"), `chunk size ${size}`);
    assert.equal(joined, text.replaceAll(TOKEN, "[GITHUB_TOKEN]"), `chunk size ${size}: each piece exactly once`);
    assert.ok(out.length > 1, "it streams rather than waiting for the end");
  }
});

Deno.test("sanitizeStream: holds back only what it must, and a block stops the stream", async () => {
  const words = Array.from({ length: 400 }, (_, i) => `word${i} `);
  let first = -1, fed = 0;
  async function* source() {
    for (const w of words) {
      fed += w.length;
      yield w;
    }
  }
  for await (const _piece of sanitizeStream(source(), { stage: "output", policy: pack, noLog: true, holdBack: 100 })) {
    if (first < 0) first = fed;
  }
  assert.ok(first > 100 && first < 220, `first piece after ${first} characters`);
  await assert.rejects(async () => {
    for await (
      const _ of sanitizeStream(["ok then -----BEGIN RSA PRI", "VATE KEY-----\nMIIEowIBAAKCAQEA"], {
        stage: "output",
        policy: pack,
        noLog: true,
      })
    ) {
      // drain
    }
  }, SafetyViolation);
});

Deno.test("sanitizeStream: a token longer than eight hold-backs is still streamed, not buffered to the end", async () => {
  const long = "a1".repeat(5000);
  const out = await collect(long.match(/[^]{1,100}/g)!, 100);
  assert.ok(out.length > 1, `${out.length} piece(s)`);
  assert.equal(out.join(""), long);
});
