import assert from "node:assert/strict";
import { join } from "node:path";
import {
  compilePolicy,
  findMatches,
  loadPolicy,
  normalizedView,
  originalSpan,
  SafetyViolation,
  sanitize,
} from "./mod.ts";
import { luhn } from "./normalize.ts";
import { adversarialInputs } from "./_corpus.ts";

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
  assert.deepEqual([originalSpan(v, 0, 1), originalSpan(v, 1, 2)], [[0, 1], [2, 3]]);
});

Deno.test("1 MB adversarial inputs finish in under a second", () => {
  for (const [name, input] of Object.entries(adversarialInputs())) {
    const t0 = performance.now();
    findMatches(input, pack, "data");
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${name}: ${ms.toFixed(0)} ms`);
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

Deno.test("the outside check's misses are caught and its false positives are not", () => {
  const caught = (t: string) => findMatches(t, pack, "output").length > 0;
  for (
    const t of [
      "ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1_gH3j",
      "xoxe-1-My0xLTIzNDU2Nzg5MDEtOTg3NjU0MzIxMC1hYmNkZWZnaGlqa2xtbm9w",
      "key=AIzaSyB1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6-",
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBq7x9Kf2mL8vR1tZ6pW4yB7nC0hJ5gD2sA9eU3iOq\n-----END EC PRIVATE KEY-----",
      '<a href="https://bob:Tr0ub4dor3@files.example.org/x">x</a> <a href="https://example.org/">home</a>',
      "call (415) 555-2671",
      "ring +44 20 7946 0958",
      "+49 30 90182077",
      "(02) 9374 4000",
      "+44 7700 900123",
    ]
  ) assert.ok(caught(t), t);
  for (
    const t of [
      "ghp_" + "x".repeat(36),
      "xoxb-xxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
      "https://<user>:<password>@db.example.com",
      "postgres://xxxx:xxxxx@localhost/db",
      "AIza" + "a".repeat(35),
      "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----",
      "created_at_ms=1701234567893",
      "join #xoxo-indieweb",
    ]
  ) assert.deepEqual(findMatches(t, pack, "output"), [], t);
  // The HTML link: the credentials' span stops at the quote, the next URL is left alone.
  const html = '<a href="https://bob:Tr0ub4dor3@files.example.org/x">x</a> <a href="https://example.org/">home</a>';
  const m = findMatches(html, pack, "output").find((x) => x.rule_id === "password-in-url")!;
  assert.match(html.slice(m.start, m.end), /^https:\/\/bob:Tr0ub4dor3@files\.example\.org[^"]*$/);
});

Deno.test("decoding: base64, escapes, HTML entities and URL encoding are scanned and redacted whole", async () => {
  const token = "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";
  const b64 = btoa(`token=${token}`);
  const cases = [
    `config: ${b64} done`,
    `t = "${[...token].map((c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")).join("")}"`,
    `t = '${[...token].map((c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")).join("")}'`,
    `<p>${[...token].map((c) => `&#${c.charCodeAt(0)};`).join("")}</p>`,
    `cb?state=${[...token].map((c) => "%" + c.charCodeAt(0).toString(16)).join("")}&x=1`,
  ];
  for (const text of cases) {
    const r = await sanitize(text, { stage: "output", policy: pack, noLog: true });
    assert.equal(r.decision, "redact", text);
    assert.ok(r.text.includes("[GITHUB_TOKEN]"), r.text);
    assert.ok(
      !r.text.includes(b64) && !/\\u00|\\x[0-9a-f]{2}|&#\d+;|%[0-9a-f]{2}/.test(r.text.replace("&x=1", "")),
      r.text,
    );
  }
  // Plain text that merely decodes is left alone.
  assert.deepEqual(findMatches("greeting = 'SGVsbG8sIHdvcmxkIQ==' and Tom &amp; Jerry", pack, "output"), []);
});

Deno.test("filters: placeholders, entropy, card issuers, a rule's own allow list", () => {
  const policy = compilePolicy({
    rules: [{
      id: "tok",
      action: "redact",
      min_entropy: 3,
      allow: { literals: ["tok_Known1234567"], patterns: ["^tok_test"] },
      match: { patterns: ["\\btok_[A-Za-z0-9]{12,}"] },
    }, {
      id: "card",
      action: "redact",
      validate: "card",
      skip_placeholders: false,
      match: { patterns: ["\\b\\d{13,19}\\b"] },
    }],
  });
  const ids = (t: string) => findMatches(t, policy, "data").map((m) => m.rule_id);
  assert.deepEqual(ids("tok_Q7v2Lm9XkR4t"), ["tok"]);
  assert.deepEqual(ids("tok_xxxxxxxxxxxx"), [], "placeholder");
  assert.deepEqual(ids("tok_abababababab"), [], "low entropy");
  assert.deepEqual(ids("tok_Known1234567"), [], "allow literal");
  assert.deepEqual(ids("tok_testQ7v2Lm9X"), [], "allow pattern");
  assert.deepEqual(ids("4111111111111111"), ["card"]);
  assert.deepEqual(ids("1701234567893"), [], "a Luhn-valid millisecond timestamp has no issuer");
  assert.throws(
    () => compilePolicy({ rules: [{ id: "d", action: "flag", detector: "secretlint/nope" }] }, "p.yaml"),
    /rule d names unknown detector "secretlint\/nope"/,
  );
});

Deno.test("keywords: a longer keyword found first still serves the rules keyed on a shorter one inside it", () => {
  const policy = compilePolicy({
    rules: [
      { id: "long", action: "flag", keywords: ["apikey"], match: { patterns: ["apikey: \\w{20}"] } },
      { id: "short", action: "flag", keywords: ["key"], match: { patterns: ['key := "\\w{8,}"'] } },
    ],
  });
  assert.deepEqual(findMatches('apikey := "A6sYYFVeGsE7FNyp4tY7"', policy, "data").map((m) => m.rule_id), ["short"]);
});
