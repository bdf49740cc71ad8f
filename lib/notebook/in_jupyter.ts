/** The part of `Deno.jupyter` that lib/notebook uses. */
export interface JupyterApi {
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void> | void;
}

/**
 * `Deno.jupyter` when this code runs inside the Deno Jupyter kernel, else
 * `undefined` (outside the kernel, reading `Deno.jupyter` throws).
 *
 * @example
 * ```ts
 * import { jupyterApi } from "./in_jupyter.ts";
 * console.log(jupyterApi() === undefined); // true under `deno run` and `deno test`
 * ```
 */
export function jupyterApi(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return typeof api?.broadcast === "function" ? api : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True inside the Deno Jupyter kernel (`deno jupyter`), where
 * `Deno.jupyter` exists.
 *
 * @example
 * ```ts
 * import { inJupyter } from "./in_jupyter.ts";
 * console.log(inJupyter()); // false under `deno run`
 * ```
 */
export function inJupyter(): boolean {
  return jupyterApi() !== undefined;
}
