/**
 * A progress line: redrawn in place on a terminal, printed as plain lines
 * (every `every`-th update) when the output is a file or a pipe.
 *
 * @module
 */

/**
 * Writes progress to stderr.
 *
 * @example
 * ```ts
 * import { ProgressLine } from "./progress.ts";
 * // Off a terminal, only every 100th update is printed, so this prints nothing there.
 * const progress = new ProgressLine(100);
 * for (let step = 1; step <= 3; step++) progress.update(`step ${step}/3`);
 * progress.done();
 * ```
 */
export class ProgressLine {
  #tty = Deno.stderr.isTerminal();
  #enc = new TextEncoder();
  #count = 0;
  #every: number;
  #open = false;

  /** `every`: when not on a terminal, print one line per this many updates. */
  constructor(every = 10) {
    this.#every = Math.max(1, every);
  }

  /** Shows `text` as the current progress. */
  update(text: string, force = false): void {
    this.#count++;
    if (this.#tty) {
      Deno.stderr.writeSync(this.#enc.encode(`\r\x1b[2K${text}`));
      this.#open = true;
    } else if (force || this.#count % this.#every === 0) {
      Deno.stderr.writeSync(this.#enc.encode(text + "\n"));
    }
  }

  /** Prints a message on its own line, above the progress line. */
  log(text: string): void {
    this.done();
    Deno.stderr.writeSync(this.#enc.encode(text + "\n"));
  }

  /** Ends the in-place line. */
  done(): void {
    if (this.#open) Deno.stderr.writeSync(this.#enc.encode("\n"));
    this.#open = false;
  }
}
