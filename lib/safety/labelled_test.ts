// Recall and false positives of the default pack on a labelled set (lib/safety/testdata/labelled.jsonl):
// positives and negatives per kind, modelled on the published test data of detect-secrets, gitleaks,
// secretlint and PII detectors (every value fake, generated with a fixed seed).
import assert from "node:assert/strict";
import { loadPolicy, type SafetyPolicy, SafetyViolation, sanitize } from "./mod.ts";

interface Sample {
  kind: string;
  label: "positive" | "negative";
  text: string;
  /** Text that must not survive redaction. */
  secret?: string;
  source: string;
}

const samples: Sample[] = (await Deno.readTextFile(new URL("./testdata/labelled.jsonl", import.meta.url)))
  .trim().split("\n").map((l) => JSON.parse(l));
const pack = await loadPolicy(new URL("../../configs/safety/policy.yaml", import.meta.url).pathname);

/** Whether the policy catches a sample: a match, and a redacted text without the secret (or a block). */
async function caught(s: Sample, policy: SafetyPolicy): Promise<boolean> {
  try {
    const r = await sanitize(s.text, { stage: "output", policy, noLog: true });
    if (!r.matches.length) return false;
    return r.decision !== "redact" || !s.secret || !r.text.includes(s.secret);
  } catch (err) {
    if (err instanceof SafetyViolation) return true;
    throw err;
  }
}

async function measure(policy: SafetyPolicy) {
  const missed: Sample[] = [], flagged: Sample[] = [];
  for (const s of samples) {
    const hit = await caught(s, policy);
    if (s.label === "positive" && !hit) missed.push(s);
    if (s.label === "negative" && hit) flagged.push(s);
  }
  const pos = samples.filter((s) => s.label === "positive").length;
  const neg = samples.length - pos;
  return { recall: (pos - missed.length) / pos, fp: flagged.length / neg, pos, neg, missed, flagged };
}

Deno.test("labelled set: recall >= 95% and false positives <= 5% with the default pack", async () => {
  const m = await measure(pack);
  const show = (xs: Sample[]) => xs.map((s) => `${s.kind}: ${JSON.stringify(s.text.slice(0, 80))}`).join("\n  ");
  console.log(
    `default pack: recall ${(m.recall * 100).toFixed(1)}% of ${m.pos}, false positives ${
      (m.fp * 100).toFixed(1)
    }% of ${m.neg}`,
  );
  assert.ok(m.recall >= 0.95, `recall ${m.recall.toFixed(3)}; missed:\n  ${show(m.missed)}`);
  assert.ok(m.fp <= 0.05, `false positives ${m.fp.toFixed(3)}; flagged:\n  ${show(m.flagged)}`);
});

Deno.test("labelled set: the library detectors alone and codex's patterns alone, for comparison", async () => {
  const only = (keep: "detectors" | "patterns"): SafetyPolicy => ({
    ...pack,
    rules: pack.rules
      .map((r) => keep === "detectors" ? { ...r, patterns: [], literals: [] } : { ...r, detectors: [] })
      .filter((r) => r.patterns.length || r.literals.length || r.detectors.length),
  });
  const lib = await measure(only("detectors"));
  const own = await measure(only("patterns"));
  for (const [name, m] of [["library detectors only", lib], ["codex patterns only", own]] as const) {
    console.log(`${name}: recall ${(m.recall * 100).toFixed(1)}%, false positives ${(m.fp * 100).toFixed(1)}%`);
  }
  // Together they must do better than either alone.
  const both = await measure(pack);
  assert.ok(both.recall >= lib.recall && both.recall >= own.recall);
});
