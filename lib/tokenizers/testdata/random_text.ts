// Seeded random strings for the tests: ASCII words and spaces, contractions, whitespace runs, and any
// Unicode code point (astral ones and lone surrogates included).
import { Rng } from "../../random/mod.ts";

const PIECES = [" ", "  ", "\n", "\n\n", "\t", "'s", "'ll", "'", "\u00a0", "\u3000", "e\u0301", "\u{1F40B}", "鯨"];

/** `n` random strings of up to `maxLength` pieces, from the Rng stream of `seed`. */
export function randomTexts(seed: number, n: number, maxLength = 40): string[] {
  const rng = Rng.stream(seed, "random-text");
  return Array.from({ length: n }, () => {
    let s = "";
    const len = 1 + rng.int(maxLength);
    for (let i = 0; i < len; i++) {
      const r = rng.next();
      if (r < 0.35) s += String.fromCharCode(32 + rng.int(95));
      else if (r < 0.55) s += PIECES[rng.int(PIECES.length)];
      else s += String.fromCodePoint(rng.int(0x110000));
    }
    return s;
  });
}
