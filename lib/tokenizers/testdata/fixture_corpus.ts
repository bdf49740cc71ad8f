// The corpus and sample texts the Hugging Face fixtures were made from (see make_fixtures.sh).

/** The first 30,000 characters of `text`, as lines that keep their "\n" (how Hugging Face reads a training file). */
export function excerptLines(text: string): string[] {
  return text.slice(0, 30000).match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Texts encoded by the reference: ASCII, accents, CJK, emoji, controls, special tokens, long words. */
export const SAMPLE_TEXTS: readonly string[] = [
  "Call me Ishmael. Some years ago\u2014never mind how long precisely\u2014having little or no money",
  "It's the whale's   tail!\n\n  I'll  go, they've said; we'd RE-enter 1851 times.",
  "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 \u00c9COLE \u00c5ngstr\u00f6m e\u0301",
  "\u9be8\u3068\u767d\u3044 \u6d77 123 4.5 \uff21\uff22\uff23",
  "tab\there\r\nnew line\u00a0nbsp\u3000ideographic",
  "\u{1F40B} whale \u{1F44D}\u{1F3FD} and \u{1D400}\u{1D401} math",
  "a<|endoftext|>b [CLS] the [MASK] sea [SEP]",
  "ctrl\u0000a\u0007b\u200dc\ufffdd\u00adsoft",
  "x".repeat(120) + " supercalifragilisticexpialidocious",
  "",
];
