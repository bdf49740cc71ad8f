/**
 * `checkTasks`: every task of `deno.json`, and whether `--help` works for
 * each one that runs a codex script.
 *
 * @module
 */
import { join } from "node:path";
import type { FindingInput } from "./finding.ts";

/** One task and the outcome of its `--help`. */
export interface TaskCheck {
  name: string;
  /** The task's command line, as in `deno.json`. */
  command: string;
  /** Whether `--help` was run (false for tasks that are not `deno run` of a script, or not selected). */
  checked: boolean;
  /** Exit code 0 and a usage text printed; null when not checked. */
  ok: boolean | null;
  exit_code: number | null;
  /** Printed a text with "Usage". */
  usage: boolean | null;
  /** Why it was skipped or failed; empty when it passed. */
  note: string;
}

/** Options of {@linkcode checkTasks}. */
export interface CheckTasksOptions {
  /** Check only these tasks (the others are listed as not checked); a name `deno.json` does not have is an error. */
  only?: readonly string[];
  /** Per task (default 60 s: a task compiles its imports first). */
  timeoutMs?: number;
  /** Tasks run at once (default 2). */
  concurrency?: number;
}

/** What {@linkcode checkTasks} returns. */
export interface TasksCheck {
  tasks: TaskCheck[];
  findings: FindingInput[];
}

// A plain `deno run [flags] script`: no shell operators or quoting.
const _RUNS_SCRIPT = /^deno run(\s+[^\s&|;<>'"`$]+)+$/;

async function _runHelp(root: string, command: string, timeoutMs: number): Promise<{
  code: number | null;
  output: string;
  timedOut: boolean;
}> {
  const args = [...command.trim().split(/\s+/).slice(1), "--help"];
  // `deno` from PATH, as `deno task` runs it (and as `--allow-run=deno` allows).
  const child = new Deno.Command("deno", {
    args,
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  try {
    const out = await child.output();
    const output = new TextDecoder().decode(out.stdout) + "\n" + new TextDecoder().decode(out.stderr);
    return { code: timedOut ? null : out.code, output, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the tasks of `root/deno.json` and runs `--help` of each task that is
 * a plain `deno run ... script` (with the task's own permissions, from
 * `root`, as `deno task NAME --help` would), `concurrency` at a time. It
 * passes when it exits 0 and prints a usage text. Tasks that run other Deno
 * subcommands (`deno test`, `deno bench`, `ok`'s chain of fmt, lint, check
 * and tests) are listed unchecked: their `--help` is Deno's own, or would run
 * the suite. A name in `only` that is not a task of `deno.json` is an
 * error (nothing is run). The process needs `--allow-run=deno`.
 *
 * @example
 * ```ts ignore
 * import { checkTasks } from "./check_tasks.ts";
 * const { tasks } = await checkTasks(".", { only: ["sql"] });
 * console.log(tasks.find((t) => t.name === "sql")?.ok); // true
 * ```
 */
export async function checkTasks(root = ".", options: CheckTasksOptions = {}): Promise<TasksCheck> {
  const path = join(root, "deno.json");
  let config: { tasks?: Record<string, string | { command?: string }> };
  try {
    config = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    return {
      tasks: [],
      findings: [{
        kind: "task",
        rule: "no_config",
        severity: "error",
        path: "deno.json",
        message: `Cannot read tasks: ${(err as Error).message.split("\n")[0]}`,
      }],
    };
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const names = Object.keys(config.tasks ?? {}).sort();
  const unknown = (options.only ?? []).filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new RangeError(
      `Cannot check tasks: no task ${unknown.map((n) => `"${n}"`).join(", ")} in ${path} (the tasks: ${
        names.join(", ") || "none"
      })`,
    );
  }
  const tasks: TaskCheck[] = names.map((name) => {
    const raw = config.tasks![name]!;
    const command = typeof raw === "string" ? raw : raw.command ?? "";
    const selected = options.only === undefined || options.only.includes(name);
    const runs = _RUNS_SCRIPT.test(command.trim());
    return {
      name,
      command,
      checked: selected && runs,
      ok: null,
      exit_code: null,
      usage: null,
      note: !runs
        ? `not checked: runs ${command.split(/\s+/).slice(0, 2).join(" ")}, not a codex script`
        : !selected
        ? "not checked: not selected"
        : "",
    };
  });
  const queue = tasks.filter((t) => t.checked);
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const r = await _runHelp(root, t.command, timeoutMs);
      t.exit_code = r.code;
      t.usage = /\busage\b/i.test(r.output);
      t.ok = r.code === 0 && t.usage;
      t.note = r.timedOut
        ? `timed out after ${timeoutMs / 1000} s`
        : r.code !== 0
        ? `exits ${r.code}: ${r.output.trim().split("\n").find((l) => l.trim()) ?? ""}`.slice(0, 200)
        : !t.usage
        ? "prints no usage text"
        : "";
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  const findings = tasks.filter((t) => t.ok === false).map((t): FindingInput => ({
    kind: "task",
    rule: "help_failed",
    severity: "error",
    path: "deno.json",
    symbol: t.name,
    message: `deno task ${t.name} --help fails: ${t.note}`,
  }));
  return { tasks, findings };
}
