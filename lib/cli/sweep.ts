/**
 * Sweeps (Hydra's multirun): overrides with comma-separated values are axes;
 * every combination runs as its own subprocess, a few at a time, and the
 * results come back as a table.
 *
 * @module
 */

/**
 * Splits `key=a,b,c` into its values, ignoring commas inside brackets and quotes.
 *
 * @example
 * ```ts
 * import { sweepValues } from "./sweep.ts";
 * const v = sweepValues("train.lr=1e-3,3e-3");
 * if (v.join(" ") !== "train.lr=1e-3 train.lr=3e-3") throw new Error(v.join(" "));
 * if (sweepValues("tags=[a,b]").length !== 1) throw new Error("commas in brackets should not split");
 * ```
 */
export function sweepValues(override: string): string[] {
  const eq = override.indexOf("=");
  if (eq < 0) return [override];
  const key = override.slice(0, eq), raw = override.slice(eq + 1);
  const parts: string[] = [];
  let depth = 0, quote = "", cur = "";
  for (const ch of raw) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => `${key}=${p}`);
}

/**
 * Every combination of the overrides' values, in order (the last axis varies fastest).
 *
 * @example
 * ```ts
 * import { sweepTrials } from "./sweep.ts";
 * const t = sweepTrials(["train.lr=1e-3,3e-3", "model=gpt-nano,gpt-micro", "seed=1"]);
 * if (t.length !== 4 || t[1]!.join(" ") !== "train.lr=1e-3 model=gpt-micro seed=1") throw new Error("bad grid");
 * ```
 */
export function sweepTrials(overrides: string[]): string[][] {
  return overrides.map(sweepValues).reduce<string[][]>(
    (acc, values) => acc.flatMap((prefix) => values.map((v) => [...prefix, v])),
    [[]],
  );
}

/**
 * Runs `jobs` with at most `limit` at a time; results keep the jobs' order.
 *
 * @example
 * ```ts
 * import { runLimited } from "./sweep.ts";
 * let running = 0, peak = 0;
 * const job = (n: number) => async () => {
 *   peak = Math.max(peak, ++running);
 *   await new Promise((r) => setTimeout(r, 5 * (4 - n)));
 *   running--;
 *   return n * n;
 * };
 * const out = await runLimited([1, 2, 3, 4].map(job), 2);
 * if (out.join() !== "1,4,9,16" || peak !== 2) throw new Error(`${out} peak ${peak}`);
 * ```
 */
export async function runLimited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return results;
}
