/**
 * A Jupyter MIME bundle: MIME type to content (`image/png` as base64).
 *
 * @example
 * ```ts
 * import type { MediaBundle } from "./media_bundle.ts";
 * const bundle: MediaBundle = { "text/plain": "42" };
 * ```
 */
export type MediaBundle = Record<string, string | object>;

const DISPLAY = Symbol.for("Jupyter.display");

/**
 * The MIME bundle Jupyter would show for a value: an object with a
 * `[Symbol.for("Jupyter.display")]()` method (a chart, `Deno.jupyter.md`...)
 * gives its own bundle; a string is plain text; anything else is shown as
 * `Deno.inspect` would print it.
 *
 * @example
 * ```ts
 * import { toMediaBundle } from "./media_bundle.ts";
 * const chart = { [Symbol.for("Jupyter.display")]: () => ({ "image/svg+xml": "<svg/>" }) };
 * console.log(await toMediaBundle(chart)); // { "image/svg+xml": "<svg/>" }
 * console.log(await toMediaBundle({ a: 1 })); // { "text/plain": "{ a: 1 }" }
 * ```
 */
export async function toMediaBundle(value: unknown): Promise<MediaBundle> {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    const method = (value as { [DISPLAY]?: unknown })[DISPLAY];
    if (typeof method === "function") {
      const bundle: unknown = await method.call(value);
      if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) {
        throw new TypeError("Cannot display value: its Jupyter.display method did not return a MIME bundle");
      }
      return bundle as MediaBundle;
    }
  }
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": Deno.inspect(value, { colors: false, depth: 4, iterableLimit: 20 }) };
}

/**
 * True when a bundle holds an image (`image/svg+xml` or `image/png`).
 *
 * @example
 * ```ts
 * import { hasImage } from "./media_bundle.ts";
 * if (!hasImage({ "image/svg+xml": "<svg/>" }) || hasImage({ "text/plain": "42" })) throw new Error("wrong");
 * ```
 */
export function hasImage(bundle: MediaBundle): boolean {
  return typeof bundle["image/svg+xml"] === "string" || typeof bundle["image/png"] === "string";
}
