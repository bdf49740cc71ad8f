// The one-pass literal scanner must give the same keyword hits as the keyword regex it replaces, and a
// detector's gate must be closed only on text where the detector finds nothing.
import assert from "node:assert/strict";
import { DETECTOR_GATES, DETECTORS } from "./detectors.ts";
import { adversarialInputs, mixedCorpus } from "./_corpus.ts";
import { loadPolicy } from "./policy.ts";
import { LiteralScanner } from "./prefilter.ts";

const pack = await loadPolicy(new URL("../../configs/safety/policy.yaml", import.meta.url).pathname);
const samples: Array<{ text: string }> =
  (await Deno.readTextFile(new URL("./testdata/labelled.jsonl", import.meta.url)))
    .trim().split("\n").map((l) => JSON.parse(l));

Deno.test("LiteralScanner: the same keyword hits as the longest-first alternation regex", async () => {
  const keywords = [...new Set(pack.rules.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
  const re = new RegExp(keywords.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  const scanner = new LiteralScanner(keywords, []);
  const texts = [
    ...samples.map((s) => s.text),
    ...Object.values(adversarialInputs()).map((t) => t.slice(0, 20_000)),
    await mixedCorpus(300_000),
    "API-KEY-xyz apikey= PASSWORD_pass Private Key putty-user-key-file --user -u @ :// :AA hooks.slack.com",
  ];
  for (const text of texts) {
    const want = [...text.matchAll(re)].flatMap((m) => [m.index, m[0].toLowerCase()]);
    const { keywordHits } = scanner.scan(text);
    const got = keywordHits.map((v, i) => i % 2 ? scanner.keywords[v] : v);
    assert.deepEqual(got, want, text.slice(0, 80));
  }
});

Deno.test("detector gates: a detector finds nothing in text without its gate literals", () => {
  const texts = samples.map((s) => s.text);
  for (const [name, gate] of Object.entries(DETECTOR_GATES)) {
    const detect = DETECTORS[name];
    assert.ok(detect, `gate for unknown detector ${name}`);
    for (const text of texts) {
      if (gate.some((l) => text.includes(l))) continue;
      assert.deepEqual(detect(text), [], `${name} found something in text without ${gate.join(" ")}: ${text}`);
    }
  }
  // And with a literal present, the gate lets the detector run.
  const scanner = new LiteralScanner([], [...new Set(Object.values(DETECTOR_GATES).flat())]);
  const token = "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";
  assert.ok(scanner.scan(`x ${token} y`).present.has("ghp_"));
  assert.equal(DETECTORS["secretlint/github"]!(`x ${token} y`).length, 1);
});
