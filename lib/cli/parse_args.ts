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
  /** Other arguments (only with `allowPositionals`). */
  positionals: string[];
}

/**
 * Parses `args` with the given flag spec; unknown flags throw a one-line error.
 *
 * @example
 * ```ts
 * import { parseTaskArgs } from "./parse_args.ts";
 * const a = parseTaskArgs(["--dry-run", "model=gpt-nano", "~seed"], { "dry-run": { type: "boolean" } });
 * if (a.flags["dry-run"] !== true || a.overrides.join(" ") !== "model=gpt-nano ~seed") throw new Error("bad parse");
 * let threw = false;
 * try {
 *   parseTaskArgs(["--nope"], {});
 * } catch (err) {
 *   threw = err instanceof SyntaxError;
 * }
 * if (!threw) throw new Error("unknown flags should throw");
 * ```
 */
export function parseTaskArgs(
  args: string[],
  spec: Record<string, { type: "boolean" | "string"; short?: string }>,
  options: { allowPositionals?: boolean } = {},
): TaskArgs {
  try {
    const { values, positionals } = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
    // Overrides: key=value, +key=value, ++key=value, and ~key (a deletion has no "=").
    const isOverride = (p: string) => p.includes("=") || /^~[A-Za-z_]/.test(p);
    const overrides = positionals.filter(isOverride);
    const others = positionals.filter((p) => !isOverride(p));
    if (others.length && !options.allowPositionals) {
      throw new SyntaxError(`unexpected argument "${others[0]}" (overrides look like key=value)`);
    }
    return { flags: values as TaskArgs["flags"], overrides, positionals: others };
  } catch (err) {
    throw new SyntaxError(`Cannot parse arguments: ${(err as Error).message.split("\n")[0]}`);
  }
}
