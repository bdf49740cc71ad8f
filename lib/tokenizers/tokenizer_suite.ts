// The test suite every tokenizer passes, called from each tokenizer's test file: round trips, the
// encode methods agreeing with each other, special tokens, batches equal to single encodings (with
// padding and truncation), and save/load giving the same tokenizer.
import assert from "node:assert/strict";
import { loadTokenizer } from "./load_tokenizer.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** What the suite may expect of a tokenizer. */
export interface TokenizerSuiteOptions {
  /** Texts whose characters (or words) the tokenizer knows; at least two of different lengths. */
  texts: string[];
  /** `decode(encode(x)) === x` (byte-level BPE, char); otherwise decoding then encoding again gives the same ids. */
  lossless: boolean;
  /** Special tokens written in the text encode to their ids (BPE, WordPiece). */
  specialsInText: boolean;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Registers the shared tests for the tokenizer `make` returns, named `name: ...`. */
export function tokenizerSuite(
  name: string,
  make: () => Tokenizer | Promise<Tokenizer>,
  options: TokenizerSuiteOptions,
): void {
  const { texts } = options;
  let made: Promise<Tokenizer> | undefined;
  const tokenizer = () => made ??= Promise.resolve(make());

  Deno.test(`${name}: round trips, ids inside the vocabulary, nothing dropped`, async () => {
    const tok = await tokenizer();
    assert.deepEqual(tok.encode(""), []);
    assert.equal(tok.decode([]), "");
    for (const text of texts) {
      const ids = tok.encode(text);
      assert.ok(ids.length > 0, `no ids for ${JSON.stringify(text)}`);
      for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `id ${id}`);
      if (options.lossless) assert.equal(tok.decode(ids), text);
      else assert.deepEqual(tok.encode(tok.decode(ids)), ids);
      // Every letter and digit is inside some token's span: nothing vanishes.
      const covered = new Uint8Array(text.length);
      for (const [s, e] of tok.encodeWithOffsets(text).offsets) covered.fill(1, s, e);
      for (let i = 0; i < text.length; i++) {
        if (LETTER_OR_DIGIT.test(text[i]!)) {
          assert.equal(covered[i], 1, `${JSON.stringify(text[i])} at ${i} not covered`);
        }
      }
    }
  });

  Deno.test(`${name}: encode, encodeIds, encodeWithOffsets and the vocabulary agree`, async () => {
    const tok = await tokenizer();
    for (const text of texts) {
      const ids = tok.encode(text);
      assert.deepEqual(tok.encodeIds(text), Int32Array.from(ids));
      const enc = tok.encodeWithOffsets(text);
      assert.deepEqual(enc.ids, ids);
      assert.equal(enc.tokens.length, ids.length);
      let last = 0;
      enc.ids.forEach((id, i) => {
        assert.equal(enc.tokens[i], tok.idToToken(id));
        assert.equal(tok.tokenToId(enc.tokens[i]!), id);
        const [s, e] = enc.offsets[i]!;
        assert.ok(s >= last && s <= e && e <= text.length, `offsets [${s}, ${e}] of token ${i}`);
        last = s;
      });
    }
  });

  Deno.test(`${name}: special tokens have their ids, decode as written and can be skipped`, async () => {
    const tok = await tokenizer();
    assert.ok(tok.specialTokens.size > 0, "the suite needs a tokenizer with special tokens");
    for (const [content, id] of tok.specialTokens) {
      assert.equal(tok.idToToken(id), content);
      assert.equal(tok.tokenToId(content), id);
      assert.equal(tok.decode([id]), content);
      assert.equal(tok.decode([id], { skipSpecialTokens: true }), "");
      const plain = tok.encode(texts[0]!);
      const skipped = tok.decode([...plain, id, ...plain], { skipSpecialTokens: true });
      assert.deepEqual(tok.encode(skipped), tok.encode(tok.decode([...plain, ...plain])));
      if (options.specialsInText) {
        const text = `${texts[0]} ${content} ${texts[1]}`;
        const enc = tok.encodeWithOffsets(text);
        const at = enc.ids.indexOf(id);
        assert.ok(at >= 0, `${content} in the text should encode to ${id}`);
        assert.equal(enc.specialTokensMask[at], 1);
        assert.equal(text.slice(...enc.offsets[at]!), content);
        assert.equal(enc.specialTokensMask.filter((m) => m === 1).length, 1);
      }
    }
  });

  Deno.test(`${name}: a batch equals single encodings, with padding, truncation and masks`, async () => {
    const tok = await tokenizer();
    const singles = texts.map((t) => tok.encode(t));
    assert.deepEqual(tok.encodeBatch(texts).ids, singles);
    const longest = Math.max(...singles.map((s) => s.length));
    assert.ok(singles.some((s) => s.length < longest), "the suite needs texts of different lengths");
    const padded = tok.encodeBatch(texts, { padding: "longest" });
    const padId = ["[PAD]", "<pad>", "<|endoftext|>"].map((t) => tok.specialTokens.get(t)).find((id) =>
      id !== undefined
    );
    singles.forEach((s, i) => {
      assert.equal(padded.ids[i]!.length, longest);
      assert.deepEqual(padded.ids[i]!.slice(0, s.length), s);
      assert.ok(padded.ids[i]!.slice(s.length).every((id) => id === padId));
      assert.deepEqual(padded.attentionMask[i], [...s.map(() => 1), ...Array(longest - s.length).fill(0)]);
      assert.equal(padded.lengths[i], s.length);
    });
    const left = tok.encodeBatch(texts, { padding: "max_length", truncation: true, maxLength: 3, side: "left" });
    singles.forEach((s, i) => {
      const kept = s.slice(-3);
      assert.deepEqual(left.ids[i], [...Array(3 - kept.length).fill(padId), ...kept]);
      assert.deepEqual(left.attentionMask[i], [...Array(3 - kept.length).fill(0), ...kept.map(() => 1)]);
    });
    const right = tok.encodeBatch(texts, { truncation: true, maxLength: 2 });
    assert.deepEqual(right.ids, singles.map((s) => s.slice(0, 2)));
    assert.deepEqual(right.offsets, texts.map((t) => tok.encodeWithOffsets(t).offsets.slice(0, 2)));
  });

  Deno.test(`${name}: save then loadTokenizer gives the same tokenizer`, async () => {
    const tok = await tokenizer();
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/tokenizer.json`;
      await tok.save(path);
      const back = await loadTokenizer(path);
      assert.equal(back.type, tok.type);
      assert.equal(back.vocabSize, tok.vocabSize);
      assert.deepEqual([...back.specialTokens], [...tok.specialTokens]);
      assert.deepEqual(back.toJSON(), tok.toJSON());
      for (const text of texts) {
        assert.deepEqual(back.encode(text), tok.encode(text));
        assert.equal(back.decode(tok.encode(text)), tok.decode(tok.encode(text)));
      }
      assert.deepEqual(await loadTokenizer(dir).then((t) => t.encode(texts[0]!)), tok.encode(texts[0]!));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
