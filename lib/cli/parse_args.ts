/**
 * Argument parsing shared by the tasks: `--flags` through `node:util`'s
 * `parseArgs`, and the rest as Hydra-style `key=value` overrides.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Parsed task arguments. */
export interface TaskArgs {
  /** Boolean and string flags by name. */
  flags: Record<string, string | boolean | undefined>;
  /** `key=value` overrides, in order. */
  overrides: string[];
}

/** Parses `args` with the given flag spec; unknown flags throw a one-line error. */
export function parseTaskArgs(
  args: string[],
  spec: Record<string, { type: "boolean" | "string"; short?: string }>,
): TaskArgs {
  try {
    const { values, positionals } = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
    for (const p of positionals) {
      if (!p.includes("=")) throw new SyntaxError(`unexpected argument "${p}" (overrides look like key=value)`);
    }
    return { flags: values as TaskArgs["flags"], overrides: positionals };
  } catch (err) {
    throw new SyntaxError(`Cannot parse arguments: ${(err as Error).message.split("\n")[0]}`);
  }
}
