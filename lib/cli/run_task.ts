/**
 * The outer shell of every task: run `main`, exit with its code, and turn
 * any error into one line on stderr and exit code 1.
 *
 * @module
 */

/**
 * Runs a task's `main` and exits the process.
 *
 * @example
 * ```ts ignore
 * // Not run: runTask calls Deno.exit, which would end the test process.
 * import { runTask } from "./run_task.ts";
 * await runTask(async () => {
 *   console.log("hello");
 *   return 0;
 * });
 * ```
 */
export async function runTask(main: () => Promise<number>): Promise<never> {
  try {
    Deno.exit(await main());
  } catch (err) {
    console.error(`error: ${(err as Error).message.split("\n")[0]}`);
    Deno.exit(1);
  }
}
