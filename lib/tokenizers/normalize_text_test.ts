import assert from "node:assert/strict";
import { normalizeText, readNormalizer } from "./normalize_text.ts";

const spans = (text: string, n: { text: string; start: number[]; end: number[] }) =>
  Array.from(n.text, (_, i) => text.slice(n.start[i], n.end[i]));

Deno.test("normalizeText: BERT cleaning, CJK padding, accents and case, each unit mapped to its source", () => {
  const text = "Héllo\u0000\t中\u200d!";
  const n = normalizeText(text, { type: "BertNormalizer" });
  assert.equal(n.text, "hello  中 !");
  assert.deepEqual(spans(text, n), ["H", "é", "l", "l", "o", "\t", "中", "中", "中", "!"]);
  const cased = normalizeText("Héllo", { type: "BertNormalizer", lowercase: false });
  assert.equal(cased.text, "Héllo");
  const stripped = normalizeText("Héllo", { type: "BertNormalizer", lowercase: false, strip_accents: true });
  assert.equal(stripped.text, "Hello");
});

Deno.test("normalizeText: Unicode forms keep spans; composition takes the span of the first character", () => {
  const text = "e\u0301 ﬁ \u{1D400}";
  const nfc = normalizeText(text, { type: "NFC" });
  assert.equal(nfc.text, "é ﬁ \u{1D400}");
  assert.deepEqual([nfc.start[0], nfc.end[0]], [0, 1]);
  const nfkc = normalizeText(text, { type: "NFKC" });
  assert.equal(nfkc.text, "é fi A");
  assert.deepEqual(spans(text, nfkc).slice(2, 4), ["ﬁ", "ﬁ"]);
  const seq = normalizeText("Ÿes", {
    type: "Sequence",
    normalizers: [{ type: "NFD" }, { type: "StripAccents" }, { type: "Lowercase" }],
  });
  assert.equal(seq.text, "yes");
  assert.equal(normalizeText("Ab", null).text, "Ab");
});

Deno.test("readNormalizer: supported types pass, others name the file and the type", () => {
  assert.equal(readNormalizer(null, "t.json"), null);
  assert.deepEqual(readNormalizer({ type: "BertNormalizer", lowercase: false }, "t.json"), {
    type: "BertNormalizer",
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: null,
    lowercase: false,
  });
  assert.throws(
    () => readNormalizer({ type: "Replace" }, "t.json"),
    /Cannot load tokenizer: t.json normalizer "Replace" is not supported/,
  );
  assert.throws(
    () => readNormalizer({ type: "BertNormalizer", lowercase: "yes" }, "t.json"),
    /BertNormalizer.lowercase is "yes"/,
  );
});
