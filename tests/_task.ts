// Shared by the task tests: run a `deno task` the way users do, with the
// permissions its deno.json entry gives it.
import { join } from "node:path";

/** The repository root. */
export const root: string = new URL("..", import.meta.url).pathname;

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
