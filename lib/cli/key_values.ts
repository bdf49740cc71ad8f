/**
 * `key=value` arguments for tasks that take a fixed set of keys (not a run
 * config): unknown keys are refused with the known ones listed.
 *
 * @module
 */

/** Parsed `key=value` arguments. */
export interface KeyValues {
  /** The raw value of a key, if given. */
  get(key: string): string | undefined;
  has(key: string): boolean;
  /** A numeric key, or `fallback`; a non-number is an error naming the key. */
  num(key: string, fallback: number): number;
}

/**
 * Parses `key=value` arguments against the known keys; `action` names the task in errors.
 *
 * @example
 * ```ts
 * import { parseKeyValues } from "./key_values.ts";
 * const kv = parseKeyValues(["n=5", "name=moby"], ["n", "name", "seed"], "sample");
 * if (kv.num("n", 1) !== 5 || kv.num("seed", 42) !== 42 || kv.get("name") !== "moby") throw new Error("bad parse");
 * let message = "";
 * try {
 *   parseKeyValues(["colour=red"], ["n"], "sample");
 * } catch (err) {
 *   message = (err as Error).message;
 * }
 * if (message !== 'Cannot sample: unknown key "colour" (known: n)') throw new Error(message);
 * ```
 */
export function parseKeyValues(args: string[], known: readonly string[], action: string): KeyValues {
  const kv = new Map<string, string>();
  for (const a of args) {
    const eq = a.indexOf("=");
    const key = eq < 0 ? a : a.slice(0, eq);
    if (!known.includes(key)) {
      throw new RangeError(`Cannot ${action}: unknown key "${key}" (known: ${known.join(", ")})`);
    }
    if (eq < 0) throw new SyntaxError(`Cannot ${action}: ${key} has no value (write ${key}=VALUE)`);
    kv.set(key, a.slice(eq + 1));
  }
  return {
    get: (k) => kv.get(k),
    has: (k) => kv.has(k),
    num: (k, fallback) => {
      const raw = kv.get(k);
      if (raw === undefined) return fallback;
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v)) {
        throw new TypeError(`Cannot ${action}: ${k} must be a number (got "${raw}")`);
      }
      return v;
    },
  };
}
