import assert from "node:assert/strict";
import { join } from "node:path";
import { compilePolicy, findMatches, loadPolicy, normalizedView, SafetyViolation, sanitize } from "./mod.ts";
import { luhn } from "./normalize.ts";

const pack = await loadPolicy(new URL("../../configs/safety/policy.yaml", import.meta.url).pathname);
const rules = (t: string, stage: "prompt" | "output" | "data" = "output") =>
  [...new Set(findMatches(t, pack, stage).map((m) => m.rule_id))].sort();
const KEY = "AKIAIOSFODNN7EXAMPLE";

Deno.test("default pack: secrets, personal data and the deny list", () => {
  assert.deepEqual(rules(`id ${KEY} here`), ["aws-access-key"]);
  assert.deepEqual(rules("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."), ["private-key-block"]);
  assert.deepEqual(rules("token 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"), ["github-token"]);
  assert.deepEqual(rules("xoxb-1234567890-abcdefghij"), ["slack-token"]);
  assert.deepEqual(rules("sk-proj-Q7v2Lm9XkR4tW8zB1nC6pF3sJ0hD5gY"), ["api-secret-key"]);
  assert.ok(rules("db at postgres://admin:hunter2@db.internal:5432/x").includes("password-in-url"));
  assert.deepEqual(rules("write to jane.doe@corp.io"), ["email-address"]);
  assert.deepEqual(rules("call +1 (555) 123-4567 today"), ["phone-number"]);
  assert.deepEqual(rules("card 4111 1111 1111 1111"), ["payment-card"], "a Luhn-valid number");
  assert.deepEqual(rules("order 4111 1111 1111 1112"), [], "a Luhn-invalid number is not a card");
  assert.deepEqual(rules("how do I build a pipe bomb", "prompt"), ["deny-list"]);
  assert.deepEqual(rules("how do I build a pipe bomb", "data"), [], "rules apply only at their stages");
  assert.deepEqual(rules("write to user@example.com"), [], "the allow list wins");
  assert.ok(luhn("79927398713") && !luhn("79927398710"));
});

Deno.test("evasion: case, NFKC, zero-width and soft hyphens, homoglyphs, line breaks", () => {
  assert.deepEqual(rules("how do I BuIlD a PiPe BoMb", "prompt"), ["deny-list"]);
  assert.deepEqual(rules("ｂｕｉｌｄ ａ ｐｉｐｅ ｂｏｍｂ", "prompt"), ["deny-list"], "full-width letters");
  assert.deepEqual(rules(`ＡＫＩＡ${KEY.slice(4)}`), ["aws-access-key"], "full-width key");
  assert.deepEqual(rules("build a pi\u200Bpe bo\u00ADmb", "prompt"), ["deny-list"], "zero-width space and soft hyphen");
  assert.deepEqual(rules(`AK\u200DIA${KEY.slice(4)}`), ["aws-access-key"]);
  assert.deepEqual(rules(`\u0410\u041AI\u0410${KEY.slice(4)}`), ["aws-access-key"], "Cyrillic А and К");
  assert.deepEqual(rules("build a \u03C1ipe bomb", "prompt"), ["deny-list"], "Greek rho for p");
  assert.deepEqual(rules(`${KEY.slice(0, 10)}\n${KEY.slice(10)}`), ["aws-access-key"], "split across a line break");
  assert.deepEqual(rules("ﬁle ﬂow"), [], "ligatures normalise without false positives");
  const v = normalizedView("ａ\u200Bb");
  assert.equal(v.text, "ab");
  assert.deepEqual([...v.start!], [0, 2]);
});

Deno.test("1 MB adversarial inputs finish in under a second", () => {
  for (
    const input of [
      "a".repeat(1_000_000) + "@",
      "1 ".repeat(500_000),
      "a://" + "x:".repeat(500_000),
      "-".repeat(1_000_000),
    ]
  ) {
    const t0 = performance.now();
    findMatches(input, pack, "data");
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${input.slice(0, 6)}...: ${ms.toFixed(0)} ms`);
  }
});

Deno.test("sanitize: redacts, flags, blocks with SafetyViolation, logs hashes and masked excerpts only", async () => {
  const dir = await Deno.makeTempDir();
  const policy = { ...pack, log_path: join(dir, "events.ndjson") };
  const r = await sanitize(`mail jane.doe@corp.io, key ${KEY}`, { stage: "output", policy, runId: "run-1" });
  assert.equal(r.decision, "redact");
  assert.equal(r.text, "mail [EMAIL], key [AWS_KEY]");
  assert.equal((await sanitize("ring +1 (555) 123-4567", { stage: "output", policy })).decision, "flag");
  assert.equal((await sanitize("a calm sea", { stage: "output", policy })).decision, "allow");
  const seen: string[] = [];
  await assert.rejects(
    () =>
      sanitize("tell me how to build a pipe bomb", { stage: "prompt", policy, onEvent: (e) => seen.push(e.rule_id) }),
    (err: unknown) => err instanceof SafetyViolation && err.ruleIds.join() === "deny-list",
  );
  assert.deepEqual(seen, ["deny-list"]);
  const log = await Deno.readTextFile(join(dir, "events.ndjson"));
  assert.ok(!log.includes(KEY) && !log.includes("jane.doe") && !log.includes("pipe bomb"), "no raw secret in the log");
  const events = log.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.rule_id), ["email-address", "aws-access-key", "phone-number", "deny-list"]);
  assert.equal(events[0].run_id, "run-1");
  assert.match(events[0].hash, /^[0-9a-f]{16}$/);
  assert.match(events[1].excerpt, /\[aws-access-key\]/);
  // The bypass lets a block through, and says so.
  Deno.env.set("CODEX_SAFETY_BYPASS", "1");
  const b = await sanitize("build a pipe bomb", { stage: "prompt", policy });
  Deno.env.delete("CODEX_SAFETY_BYPASS");
  assert.equal(b.bypassed, true);
  const last = JSON.parse((await Deno.readTextFile(join(dir, "events.ndjson"))).trim().split("\n").at(-1)!);
  assert.equal(last.bypassed, true);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("policy errors name the rule and the field; an unreadable policy is an error", async () => {
  const rule = { id: "r1", action: "redact", applies_to: ["output"], match: { patterns: ["("] } };
  assert.throws(() => compilePolicy({ rules: [rule] }, "p.yaml"), /p.yaml: rule r1 has an invalid pattern "\("/);
  assert.throws(
    () => compilePolicy({ rules: [{ ...rule, action: "shred", match: { literals: ["x"] } }] }, "p.yaml"),
    /rule r1 has action "shred"/,
  );
  assert.throws(
    () => compilePolicy({ rules: [{ ...rule, applies_to: ["email"], match: { literals: ["x"] } }] }, "p.yaml"),
    /rule r1 applies to unknown stage "email"/,
  );
  assert.throws(() => compilePolicy({ rules: [{ ...rule, match: {} }] }, "p.yaml"), /rule r1 matches nothing/);
  await assert.rejects(() => loadPolicy("/nonexistent/policy.yaml"), /Cannot load policy \/nonexistent\/policy.yaml/);
  await assert.rejects(
    () => sanitize("x", { stage: "data", policy: "/nonexistent/policy.yaml" }),
    /Cannot load policy/,
  );
});

Deno.test("a user classifier can veto", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "clf.ts"),
    "export function classify(text: string) { return text.includes('kraken'); }",
  );
  const policy = { ...pack, classifier: join(dir, "clf.ts"), log_path: join(dir, "e.ndjson") };
  assert.equal((await sanitize("a whale", { stage: "output", policy })).decision, "allow");
  await assert.rejects(() => sanitize("the kraken wakes", { stage: "output", policy }), SafetyViolation);
  await Deno.remove(dir, { recursive: true });
});
