/**
 * `deno task tokenize train|encode|decode|inspect|export`: the tokenizers
 * from the shell. The task file only calls {@linkcode tokenizeCli}.
 *
 * @module
 */
import { formatDuration, parseTaskArgs, ProgressLine } from "../cli/mod.ts";
import { listDatasets, loadDataset, loadText } from "../data/mod.ts";
import { writeFileAtomic } from "../io/mod.ts";
import { BpeTokenizer } from "./bpe_tokenizer.ts";
import { loadTokenizer, TOKENIZER_NAMES } from "./load_tokenizer.ts";
import { parseTiktokenRanks } from "./tiktoken_ranks.ts";
import type { Tokenizer, TokenizerType } from "./tokenizer.ts";
import { TOKENIZER_TYPES, trainTokenizer } from "./train_tokenizer.ts";

/**
 * The task's help text.
 *
 * @example
 * ```ts
 * import { TOKENIZE_HELP } from "./tokenize_cli.ts";
 * if (!TOKENIZE_HELP.startsWith("Usage: deno task tokenize <command>")) throw new Error("unexpected help");
 * ```
 */
export const TOKENIZE_HELP = `Usage: deno task tokenize <command> [options]

Commands:
  train --type bpe|wordpiece|word|char --vocab-size N --out FILE [--data NAME|FILE [--text-field F]]
        [--min-frequency N] [--special TOKEN,TOKEN] [--cased]
                 train on a registry corpus (default moby-dick) or a local file, with progress;
                 writes a tokenizer.json (Hugging Face form for bpe and wordpiece)
  encode --tokenizer NAME|FILE [TEXT] [--file FILE] [--json | --offsets]
                 the ids of TEXT (or of a file, or of standard input)
  decode --tokenizer NAME|FILE [IDS] [--file FILE] [--skip-special]
                 the text of ids ("1 2 3", "1,2,3" or a JSON array; or from a file or standard input)
  inspect --tokenizer NAME|FILE [TEXT] [--data NAME|FILE] [--plain]
                 vocabulary size, special tokens, a sample segmentation (colours on a terminal,
                 brackets otherwise) and compression (characters and bytes per token) on a text
  export --tokenizer NAME|FILE --out FILE [--format json|tiktoken]
                 write the tokenizer as tokenizer.json, or a byte-level BPE as a tiktoken rank file

--tokenizer takes ${
  TOKENIZER_NAMES.join(", ")
} (the real GPT-2 encoding, offline), a tokenizer.json (Hugging Face BPE or
WordPiece, or codex char/word), a .tiktoken rank file, or a run folder.

Examples:
  deno task tokenize train --type bpe --vocab-size 4096 --out artifacts/tokenizers/moby-bpe.json
  deno task tokenize encode --tokenizer gpt2 "Call me Ishmael."
  deno task tokenize decode --tokenizer gpt2 14134 502 1148 21720 417 13
  deno task tokenize inspect --tokenizer artifacts/tokenizers/moby-bpe.json --data moby-dick
  deno task tokenize export --tokenizer gpt2 --out artifacts/tokenizers/gpt2.tiktoken --format tiktoken`;

/** Where the command writes (standard output and error by default). */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** Colours for the segmentation (default: when standard output is a terminal). */
  colour?: boolean;
}

const CONSOLE: CliOutput = { out: (l) => console.log(l), err: (l) => console.error(l) };
const COLOURS = [44, 42, 45, 46, 43].map((bg) => `\x1b[30;${bg}m`);

async function _readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/** The texts of a registry corpus, a .txt file (whole), or another local dataset file (its records). */
async function _corpus(name: string, textField?: string): Promise<string[]> {
  if (listDatasets().some((d) => d.name === name) || /\.(txt|text|md)$/i.test(name)) return [await loadText(name)];
  return (await loadDataset(name, textField ? { text_field: textField } : {})).records.map((r) => r.text);
}

function _ids(raw: string, cmd: string): number[] {
  const parts = raw.trim() === "" ? [] : raw.replace(/^\s*\[|\]\s*$/g, "").split(/[\s,]+/).filter((p) => p !== "");
  return parts.map((p) => {
    const id = Number(p);
    if (!Number.isInteger(id) || id < 0) throw new SyntaxError(`Cannot ${cmd}: "${p}" is not a token id`);
    return id;
  });
}

/** Tokens of `text` as display pieces: tokens sharing one character's span are shown once. */
function _pieces(tok: Tokenizer, text: string): string[] {
  const enc = tok.encodeWithOffsets(text);
  const out: string[] = [];
  let last: [number, number] | null = null;
  enc.offsets.forEach(([s, e], i) => {
    if (last !== null && last[0] === s && last[1] === e) return;
    out.push(s === e ? enc.tokens[i]! : text.slice(s, e));
    last = [s, e];
  });
  return out;
}

/**
 * Runs the tokenize task with command-line `args`; returns the exit code.
 * Errors are thrown (the task prints them as one line and exits 1).
 *
 * @example
 * ```ts
 * import { tokenizeCli } from "./tokenize_cli.ts";
 * const lines: string[] = [];
 * const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
 * const code = await tokenizeCli(["encode", "--tokenizer", "gpt2", "--json", "hello world"], io);
 * if (code !== 0 || lines[0] !== "[31373,995]") throw new Error(`${code} ${lines}`);
 * ```
 */
export async function tokenizeCli(args: string[], io: CliOutput = CONSOLE): Promise<number> {
  const parsed = parseTaskArgs(args, {
    help: { type: "boolean", short: "h" },
    type: { type: "string" },
    "vocab-size": { type: "string" },
    "min-frequency": { type: "string" },
    special: { type: "string" },
    cased: { type: "boolean" },
    data: { type: "string" },
    "text-field": { type: "string" },
    out: { type: "string" },
    tokenizer: { type: "string", short: "t" },
    file: { type: "string" },
    json: { type: "boolean" },
    offsets: { type: "boolean" },
    "skip-special": { type: "boolean" },
    plain: { type: "boolean" },
    format: { type: "string" },
  }, { allowPositionals: true });
  const [cmd, ...rest] = [...parsed.positionals, ...parsed.overrides];
  if (!cmd || parsed.flags.help) {
    io.out(TOKENIZE_HELP);
    return parsed.flags.help ? 0 : 2;
  }
  const flag = (k: string) => typeof parsed.flags[k] === "string" ? parsed.flags[k] as string : undefined;
  const need = (k: string, what: string) => {
    const v = flag(k);
    if (v === undefined) {
      throw new SyntaxError(`Cannot ${cmd}: --${k} ${what} is required (see deno task tokenize --help)`);
    }
    return v;
  };
  const int = (k: string, d?: number) => {
    const raw = flag(k);
    if (raw === undefined && d !== undefined) return d;
    const v = Number(raw ?? need(k, "N"));
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`Cannot ${cmd}: --${k} must be a whole number (got "${raw}")`);
    }
    return v;
  };
  const input = async () =>
    rest.length > 0
      ? rest.join(" ")
      : flag("file") !== undefined
      ? await Deno.readTextFile(flag("file")!)
      : await _readStdin();

  switch (cmd) {
    case "train": {
      const type = need("type", TOKENIZER_TYPES.join("|")) as TokenizerType;
      if (!TOKENIZER_TYPES.includes(type)) {
        throw new RangeError(`Cannot train: --type must be one of ${TOKENIZER_TYPES.join(", ")} (got "${type}")`);
      }
      const vocabSize = int("vocab-size");
      const out = need("out", "FILE");
      const data = flag("data") ?? "moby-dick";
      const texts = await _corpus(data, flag("text-field"));
      const chars = texts.reduce((n, t) => n + t.length, 0);
      io.err(`training ${type} to ${vocabSize} tokens on ${data} (${chars.toLocaleString("en-US")} characters)`);
      const progress = new ProgressLine(16);
      const t0 = performance.now();
      const special = flag("special");
      const tok = await trainTokenizer({
        type,
        vocabSize,
        ...(flag("min-frequency") === undefined ? {} : { minFrequency: int("min-frequency") }),
        ...(special === undefined ? {} : { specialTokens: special.split(",").map((s) => s.trim()) }),
        ...(parsed.flags.cased ? { lowercase: false } : {}),
        onProgress: (p) => {
          const rate = p.merges / Math.max(p.elapsedMs / 1000, 1e-9);
          progress.update(
            `merges ${p.merges}/${p.target}  ${Math.round(rate).toLocaleString("en-US")} merges/s  ${
              formatDuration(p.elapsedMs / 1000)
            }`,
          );
        },
      }, texts);
      progress.done();
      const seconds = (performance.now() - t0) / 1000;
      await Deno.mkdir(out.replace(/[/\\][^/\\]*$/, "") || ".", { recursive: true });
      await tok.save(out);
      io.out(`${type} tokenizer: ${tok.vocabSize} ids in ${seconds.toFixed(2)} s -> ${out}`);
      return 0;
    }
    case "encode": {
      const tok = await loadTokenizer(need("tokenizer", "NAME|FILE"));
      const text = await input();
      if (parsed.flags.offsets) {
        const enc = tok.encodeWithOffsets(text);
        enc.ids.forEach((id, i) => {
          const [start, end] = enc.offsets[i]!;
          io.out(JSON.stringify({ id, token: enc.tokens[i], start, end, text: text.slice(start, end) }));
        });
      } else {
        const ids = tok.encode(text);
        io.out(parsed.flags.json ? JSON.stringify(ids) : ids.join(" "));
      }
      return 0;
    }
    case "decode": {
      const tok = await loadTokenizer(need("tokenizer", "NAME|FILE"));
      const ids = _ids(await input(), cmd);
      io.out(tok.decode(ids, { skipSpecialTokens: parsed.flags["skip-special"] === true }));
      return 0;
    }
    case "inspect": {
      const name = need("tokenizer", "NAME|FILE");
      const tok = await loadTokenizer(name);
      const text = rest.length > 0
        ? rest.join(" ")
        : flag("data") !== undefined
        ? (await _corpus(flag("data")!, flag("text-field"))).join("\n")
        : "Call me Ishmael. Some years ago\u2014never mind how long precisely\u2014having little or no money in my purse.";
      io.out(`tokenizer   ${name} (${tok.type})`);
      io.out(`vocabulary  ${tok.vocabSize.toLocaleString("en-US")} ids`);
      const specials = [...tok.specialTokens].map(([t, id]) => `${t}=${id}`);
      io.out(`special     ${specials.length ? specials.join(" ") : "(none)"}`);
      const sample = text.slice(0, 160);
      const pieces = _pieces(tok, sample);
      const colour = io.colour ?? (!parsed.flags.plain && Deno.stdout.isTerminal());
      const shown = colour
        ? pieces.map((p, i) => `${COLOURS[i % COLOURS.length]}${p.replaceAll("\n", "\u21b5")}\x1b[0m`).join("")
        : pieces.map((p) => `[${p.replaceAll("\n", "\\n")}]`).join("");
      io.out(`sample      ${shown}`);
      const t0 = performance.now();
      const n = tok.encode(text).length;
      const seconds = (performance.now() - t0) / 1000;
      const chars = [...text].length, bytes = new TextEncoder().encode(text).length;
      // Speed only means something on a long text (the first call also fills the cache).
      const speed = chars >= 100_000 ? `, ${(bytes / 1e6 / Math.max(seconds, 1e-9)).toFixed(1)} MB/s` : "";
      io.out(
        `compression ${(chars / Math.max(n, 1)).toFixed(2)} characters/token, ${
          (bytes / Math.max(n, 1)).toFixed(2)
        } bytes/token (${n.toLocaleString("en-US")} tokens for ${chars.toLocaleString("en-US")} characters${speed})`,
      );
      return 0;
    }
    case "export": {
      const tok = await loadTokenizer(need("tokenizer", "NAME|FILE"));
      const out = need("out", "FILE");
      const format = flag("format") ?? (out.endsWith(".tiktoken") ? "tiktoken" : "json");
      await Deno.mkdir(out.replace(/[/\\][^/\\]*$/, "") || ".", { recursive: true });
      if (format === "json") {
        await tok.save(out);
        io.out(`wrote ${out} (${tok.type}, ${tok.vocabSize} ids)`);
        return 0;
      }
      if (format !== "tiktoken") {
        throw new RangeError(`Cannot export: --format must be json or tiktoken (got "${format}")`);
      }
      if (!(tok instanceof BpeTokenizer)) {
        throw new TypeError(`Cannot export: only byte-level BPE has tiktoken ranks (got ${tok.type})`);
      }
      const ranks = tok.toTiktoken();
      await writeFileAtomic(out, ranks);
      const specials = [...tok.specialTokens].map(([t, id]) => `${t}=${id}`).join(" ");
      io.out(
        `wrote ${out} (${ranks.split("\n").length - 1} ranks${
          specials ? `; special tokens, not in the file: ${specials}` : ""
        })`,
      );
      // tiktoken's merge rule can differ from the merge list of a trained tokenizer: check on a text.
      const back = new BpeTokenizer({
        vocab: parseTiktokenRanks(ranks, out),
        addedTokens: tok.addedTokens,
        preTokenizer: tok.preTokenizer,
      });
      const check = (await loadText("moby-dick")).slice(0, 50_000);
      const [a, b] = [tok.encode(check), back.encode(check)];
      const same = a.length === b.length && a.every((id, i) => id === b[i]);
      (same ? io.out : io.err)(
        same
          ? "check: the rank file gives the same ids on the first 50,000 characters of moby-dick"
          : `warning: with tiktoken's merge rule the rank file gives other ids on moby-dick (${b.length} tokens instead of ${a.length})`,
      );
      return 0;
    }
    default:
      throw new SyntaxError(`Cannot run tokenize: unknown command "${cmd}" (see deno task tokenize --help)`);
  }
}
