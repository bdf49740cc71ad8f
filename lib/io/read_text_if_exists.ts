/**
 * Reading a file that may not be there.
 *
 * @module
 */

/**
 * A text file's content, or null when it does not exist (any other error,
 * such as a missing permission, throws).
 *
 * @example
 * ```ts
 * import { readTextIfExists } from "./read_text_if_exists.ts";
 * if ((await readTextIfExists("no/such/file.txt")) !== null) throw new Error("expected null");
 * ```
 */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}
