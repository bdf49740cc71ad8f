/**
 * `deno task generate run=<run_id> [key=value ...]`: samples text from a
 * trained run's checkpoint, printing it as it is generated.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import {
  loadRunModel,
  parseKeyValues,
  parseTaskArgs,
  Rng,
  runTask,
  sanitize,
  sanitizeStream,
  streamTokens,
} from "../mod.ts";

const HELP = `Usage: deno task generate run=RUN_ID [key=value ...]

Samples text from a trained run (a folder under artifacts/runs/) and prints it
token by token as it is generated.

Keys:
  run=RUN_ID            the run (required)
  checkpoint=WHICH      best (lowest val loss; default), latest, or step-000400
  prompt=TEXT           text to continue (default: the run's sample.prompt)
  max_new_tokens=N      tokens to add (default 300)
  temperature=T         0 = greedy; default the run's sample.temperature
  top_k=K               keep the K most likely tokens (0 = all)
  top_p=P               nucleus sampling: smallest set reaching probability P (1 = all)
  stop=TEXT             stop once the generated text contains TEXT (printed up to and including it)
  seed=N                the same seed gives the same text (default: the run's seed)
  out_dir=PATH          where runs are (default artifacts/runs)

Examples:
  deno task generate run=20261124-154249-0447 prompt="Call me" max_new_tokens=200
  deno task generate run=20261124-154249-0447 temperature=0 checkpoint=latest
`;

const KEYS = [
  "run",
  "checkpoint",
  "prompt",
  "max_new_tokens",
  "temperature",
  "top_k",
  "top_p",
  "stop",
  "seed",
  "out_dir",
];

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, { help: { type: "boolean", short: "h" } });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const kv = parseKeyValues(args.overrides, KEYS, "generate");
  const num = kv.num;
  const run = kv.get("run");
  if (!run) throw new SyntaxError("Cannot generate: run=RUN_ID is required (see deno task generate --help)");
  const { model, tokenizer, config, checkpoint } = await loadRunModel(run, {
    which: kv.get("checkpoint") ?? "best",
    outDir: kv.get("out_dir") ?? "artifacts/runs",
  });
  const promptRaw = kv.get("prompt");
  // prompt= takes YAML-style quoting and escapes ("\n"), like the train task's overrides.
  const prompt = promptRaw === undefined
    ? config.sample.prompt
    : String(parseYaml(promptRaw.startsWith('"') ? promptRaw : JSON.stringify(promptRaw)));
  const stop = kv.get("stop");
  if (stop === "") throw new RangeError("Cannot generate: stop= is empty (give the text to stop at)");
  // With the run's safety filters on, the prompt is checked first, and the output streams through
  // sanitizeStream: it prints as it is generated, holding back only what a secret split across tokens
  // needs, and a block ends the stream with a notice.
  const safety = config.safety.enabled;
  const policy = config.safety.policy ? { policy: config.safety.policy } : {};
  if (safety) await sanitize(prompt, { stage: "prompt", ...policy });
  const ids = tokenizer.encodeIds(prompt);
  if (ids.length === 0) throw new RangeError("Cannot generate: the prompt is empty (give prompt=TEXT)");
  const seed = num("seed", config.seed);
  console.error(`codex generate: run ${run}, ${checkpoint.name} (step ${checkpoint.step}), seed ${seed}`);
  const enc = new TextEncoder();
  // The text as it is generated, in pieces: the prompt, then what each token adds.
  async function* pieces(): AsyncGenerator<string> {
    yield prompt;
    const out: number[] = [];
    let shown = 0;
    for await (
      const id of streamTokens(model, ids, {
        maxNewTokens: num("max_new_tokens", 300),
        temperature: num("temperature", config.sample.temperature),
        topK: num("top_k", config.sample.top_k),
        topP: num("top_p", 1),
        rng: Rng.stream(seed, "sample"),
      })
    ) {
      // Decode everything generated so far and yield what is new: a byte-level token can hold part of a
      // character, which shows only once the token that completes it arrives.
      out.push(id);
      let text = tokenizer.decode(out);
      // A stop text may span tokens (BPE) or be part of one: cut right after it.
      const at = stop === undefined ? -1 : text.indexOf(stop, Math.max(0, shown - stop.length + 1));
      if (at >= 0) text = text.slice(0, at + stop!.length);
      if (!(at < 0 && text.endsWith("\uFFFD"))) {
        if (text.length > shown) yield text.slice(shown);
        shown = text.length;
      }
      if (at >= 0) return;
    }
    // An unfinished character at the very end shows as U+FFFD.
    const generated = tokenizer.decode(out);
    if (generated.length > shown) yield generated.slice(shown);
  }
  try {
    for await (const piece of safety ? sanitizeStream(pieces(), { stage: "output", ...policy }) : pieces()) {
      await Deno.stdout.write(enc.encode(piece));
    }
  } catch (err) {
    if ((err as Error).name !== "SafetyViolation") throw err;
    await Deno.stdout.write(enc.encode(`[blocked by the safety policy: ${(err as Error).message}]`));
  }
  await Deno.stdout.write(enc.encode("\n"));
  model.dispose();
  return 0;
}

await runTask(main);
