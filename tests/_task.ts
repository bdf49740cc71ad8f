// Shared by the task tests: run a `deno task` the way users do, with the
// permissions its deno.json entry gives it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root: string = fileURLToPath(new URL("..", import.meta.url));

const tasks = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))).tasks as Record<string, string>;

/** A command for task `name` with `args`, from the repository root. */
export function taskCommand(name: string, args: string[], env: Record<string, string> = {}): Deno.Command {
  const taskArgs = tasks[name]!.split(/\s+/).slice(1); // drop "deno"
  return new Deno.Command(Deno.execPath(), {
    args: [...taskArgs, ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  });
}

/** Overrides for a tiny language-model run (gpt-nano on first names, one core): a second or two. */
export const TINY_TRAIN: readonly string[] = [
  "model=gpt-nano",
  "train.workers=1",
  "data=first-names",
  "model.block_size=32",
  "train.batch_size=8",
  "train.eval_batches=2",
];

/** A fresh folder for test runs under `artifacts/test-runs/` (where the tasks may write), relative to the root. */
export async function testRunsDir(): Promise<string> {
  const dir = join("artifacts", "test-runs", crypto.randomUUID().slice(0, 8));
  await Deno.mkdir(join(root, dir), { recursive: true });
  return dir;
}

/**
 * Trains a tiny BPE run (5 steps, vocab 300) with `extra` overrides into a fresh
 * {@linkcode testRunsDir}, checks the task succeeded and returns the folder and the run id.
 */
export async function trainTinyBpeRun(extra: string[] = []): Promise<{ dir: string; run: string }> {
  const dir = await testRunsDir();
  const train = await taskCommand("train", [
    ...TINY_TRAIN,
    "tokenizer=bpe",
    "tokenizer.vocab_size=300",
    "train.max_steps=5",
    "train.eval_interval=5",
    "sample.max_new_tokens=5",
    ...extra,
    `out_dir=${dir}`,
  ]).output();
  assert.equal(train.code, 0, new TextDecoder().decode(train.stderr));
  const [run] = [...Deno.readDirSync(join(root, dir))].map((e) => e.name);
  return { dir, run: run! };
}
