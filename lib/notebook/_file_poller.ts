// Polls a file's identity (inode, size, mtime) and calls back when it changes,
// including appearing and disappearing. Polling, not Deno.watchFs: it works for
// files that do not exist yet, inside folders that do not exist yet, and on
// every file system.

/** What the poller saw: the file's stat, or undefined while it does not exist. */
export type FileStat = Deno.FileInfo | undefined;

export interface FilePollerOptions {
  /** Milliseconds between polls. */
  interval: number;
  /** After a change, wait this long (for the writer to finish) before calling back. */
  debounce: number;
}

async function statOf(path: string): Promise<FileStat> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return undefined;
    throw err;
  }
}

function keyOf(stat: FileStat): string {
  return stat === undefined ? "missing" : `${stat.ino ?? ""}:${stat.size}:${stat.mtime?.getTime() ?? ""}`;
}

/** Calls `onChange` once at start and again after each change; `stop()` ends it at once. */
export class FilePoller {
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;
  #lastKey: string | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  readonly first: Promise<void>;

  constructor(
    readonly path: string,
    readonly options: FilePollerOptions,
    readonly onChange: (stat: FileStat) => Promise<void>,
  ) {
    this.first = this.#loop();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }

  /**
   * Polls now (tests, and callers that know the file changed). Checks run
   * one at a time: a check waits for the one in flight (whose `onChange` may
   * still be reading the file) and then stats again, so once it resolves
   * the file as it was when `check()` was called has been handed on.
   */
  check(): Promise<void> {
    const next = this.#inFlight.catch(() => {}).then(() => this.#checkNow());
    this.#inFlight = next;
    return next;
  }

  async #checkNow(): Promise<void> {
    const stat = await statOf(this.path);
    const key = keyOf(stat);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    await this.onChange(stat);
  }

  async #loop(): Promise<void> {
    await this.check();
    void this.#poll();
  }

  async #poll(): Promise<void> {
    while (!this.#stopped) {
      await this.#sleep(this.options.interval);
      if (this.#stopped) return;
      try {
        const key = keyOf(await statOf(this.path));
        if (key === this.#lastKey) continue;
        if (this.options.debounce > 0) await this.#sleep(this.options.debounce);
        if (this.#stopped) return;
        await this.check();
      } catch (err) {
        console.error(`Cannot watch ${this.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#wake?.();
  }
}
