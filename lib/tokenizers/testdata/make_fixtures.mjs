// Step 2 of make_fixtures.sh: the Hugging Face reference, npm `tokenizers@0.23.2` (the Rust library's Node
// binding), run under Node. Writes hf_fixtures.json and hf_*.tokenizer.json beside this file.
//   node make_fixtures.mjs OUT_DIR   (OUT_DIR as written by export_for_hf.ts; `tokenizers` on NODE_PATH)
import { createRequire } from "node:module";
import fs from "node:fs";

const require = createRequire(process.env.NODE_PATH ? `${process.env.NODE_PATH}/` : import.meta.url);
const { Tokenizer, BPE, byteLevelPreTokenizer } = require("tokenizers");
const dir = process.argv[2];
const here = new URL(".", import.meta.url).pathname;
const read = (p) => fs.readFileSync(p, "utf8");
const samples = JSON.parse(read(`${dir}/samples.json`));

// Hugging Face offsets count code points; the fixtures hold UTF-16 offsets (what JavaScript slices by).
function utf16(text, offsets) {
  const at = [0];
  for (const c of text) at.push(at[at.length - 1] + c.length);
  return offsets.map(([s, e]) => [at[s], at[e]]);
}

async function encodeAll(tok, texts, addSpecialTokens) {
  const out = [];
  for (const t of texts) {
    const e = await tok.encode(t, null, { addSpecialTokens });
    out.push({ ids: e.getIds(), offsets: utf16(t, e.getOffsets()) });
  }
  return out;
}

async function decodeAll(tok, encodings, skip) {
  const out = [];
  for (const e of encodings) out.push(await tok.decode(e.ids, skip));
  return out;
}

// 1. BPE training: Hugging Face's default BpeTrainer (min_frequency 0, no special tokens) with a ByteLevel
//    pre-tokenizer, on the excerpt file (read line by line).
const trained = new Tokenizer(BPE.empty());
trained.setPreTokenizer(byteLevelPreTokenizer(false, true));
trained.train([`${dir}/excerpt.txt`]);
trained.save(`${here}/hf_bpe.tokenizer.json`, false);
const hfBpe = JSON.parse(read(`${here}/hf_bpe.tokenizer.json`));
// Texts for the HF-trained file use only characters of the excerpt (its alphabet has no other bytes).
const seen = new Set(read(`${dir}/excerpt.txt`));
const bpeTexts = samples.map((t) => [...t].filter((c) => seen.has(c)).join(""));

// 2. Our files loaded by Hugging Face.
const oursBpe = Tokenizer.fromFile(`${here}/ours_bpe.tokenizer.json`);
const oursWp = Tokenizer.fromFile(`${here}/ours_wordpiece.tokenizer.json`);
oursWp.save(`${here}/hf_wordpiece.tokenizer.json`, true); // Hugging Face's own serialization of it
const wpJson = JSON.parse(read(`${here}/ours_wordpiece.tokenizer.json`));
const variants = {
  // BERT cased: no lowercasing, accents kept.
  cased: {
    ...wpJson,
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: false,
    },
  },
  sequence: {
    ...wpJson,
    normalizer: { type: "Sequence", normalizers: [{ type: "NFD" }, { type: "StripAccents" }, { type: "Lowercase" }] },
  },
  nfkc_whitespace: { ...wpJson, normalizer: { type: "NFKC" }, pre_tokenizer: { type: "Whitespace" } },
  nfc_whitespace_split: { ...wpJson, normalizer: { type: "NFC" }, pre_tokenizer: { type: "WhitespaceSplit" } },
};
const variantIds = {};
for (const [name, json] of Object.entries(variants)) {
  const tok = Tokenizer.fromString(JSON.stringify(json));
  variantIds[name] = {
    normalizer: json.normalizer,
    pre_tokenizer: json.pre_tokenizer,
    encodings: await encodeAll(tok, samples, false),
  };
}
const wpPlain = await encodeAll(oursWp, samples, false);
const wpSpecial = await encodeAll(oursWp, samples, true);

// 3. GPT-2 as exported by loadTokenizer("gpt2").save(): Hugging Face's ids on the samples.
const gpt2 = Tokenizer.fromFile(`${dir}/gpt2.tokenizer.json`);

const fixtures = {
  source:
    "make_fixtures.sh: Hugging Face tokenizers 0.23.2 (npm `tokenizers`, Rust via Node) on the samples of fixture_corpus.ts; offsets converted from code points to UTF-16",
  texts: samples,
  hf_bpe: { texts: bpeTexts, encodings: await encodeAll(trained, bpeTexts, false) },
  ours_bpe: await (async () => {
    const encodings = await encodeAll(oursBpe, samples, false);
    return {
      encodings,
      decoded: await decodeAll(oursBpe, encodings, false),
      decoded_skip: await decodeAll(oursBpe, encodings, true),
    };
  })(),
  ours_wordpiece: {
    encodings: wpPlain,
    with_special_tokens: wpSpecial,
    decoded: await decodeAll(oursWp, wpSpecial, false),
    decoded_skip: await decodeAll(oursWp, wpSpecial, true),
  },
  wordpiece_variants: variantIds,
  gpt2: { encodings: (await encodeAll(gpt2, samples, false)).map((e) => e.ids) },
};
fs.writeFileSync(`${here}/hf_fixtures.json`, JSON.stringify(fixtures) + "\n");
console.log(`wrote ${here}hf_fixtures.json; hf_bpe.tokenizer.json has ${hfBpe.model.merges.length} merges`);
