// Step 1 of make_fixtures.sh: writes the inputs the Hugging Face reference reads.
//   deno run --allow-read --allow-write lib/tokenizers/testdata/export_for_hf.ts OUT_DIR
// OUT_DIR/samples.json       SAMPLE_TEXTS of fixture_corpus.ts
// OUT_DIR/excerpt.txt          the first 30,000 characters of Moby-Dick (the training corpus of the fixtures)
// OUT_DIR/gpt2.tokenizer.json  loadTokenizer("gpt2") saved in Hugging Face form (merges derived from the ranks)
// testdata/ours_bpe.tokenizer.json, testdata/ours_wordpiece.tokenizer.json  trained here on the excerpt
import { loadText } from "../../data/mod.ts";
import { BpeTokenizer, loadTokenizer, WordPieceTokenizer } from "../mod.ts";
import { excerptLines, SAMPLE_TEXTS } from "./fixture_corpus.ts";

const out = Deno.args[0];
if (!out) throw new Error("usage: export_for_hf.ts OUT_DIR");
const here = new URL(".", import.meta.url).pathname;
const text = await loadText("moby-dick");
const lines = excerptLines(text);
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(`${out}/excerpt.txt`, lines.join(""));
await Deno.writeTextFile(`${out}/samples.json`, JSON.stringify(SAMPLE_TEXTS));
await BpeTokenizer.train(lines, { vocabSize: 600 }).save(`${here}/ours_bpe.tokenizer.json`);
await WordPieceTokenizer.train(lines, { vocabSize: 700 }).save(`${here}/ours_wordpiece.tokenizer.json`);
await (await loadTokenizer("gpt2")).save(`${out}/gpt2.tokenizer.json`);
console.log(`wrote ${out}/excerpt.txt, ${out}/gpt2.tokenizer.json and the ours_*.tokenizer.json fixtures`);
