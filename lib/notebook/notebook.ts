// @ts-types="./_observablehq_runtime.d.ts"
import { Runtime, RuntimeError } from "@observablehq/runtime";
import type { Module, Observer, Variable } from "./_observablehq_runtime.d.ts";
import { FilePoller, type FileStat } from "./_file_poller.ts";
import { NdjsonTail } from "./_ndjson_tail.ts";
import { defaultTarget, type DisplayTarget } from "./display_target.ts";
import { type MediaBundle, toMediaBundle } from "./media_bundle.ts";

/**
 * Where a cell stands: computing (`pending`), with a value (`fulfilled`),
 * failed itself (`rejected`), or `waiting` because an input failed or is not
 * defined yet.
 */
export type CellStatus = "pending" | "fulfilled" | "rejected" | "waiting";

/** A snapshot of one cell. */
export interface CellState<T = unknown> {
  name: string;
  status: CellStatus;
  /** The latest value (when `fulfilled`). */
  value: T | undefined;
  /** The error (when `rejected` or `waiting`). */
  error: unknown;
  /** The input a `waiting` cell waits for. */
  waitingFor: string | undefined;
  /** How many times the definition ran (for a file cell: how many times the file was read). */
  runs: number;
  inputs: readonly string[];
}

/** Options of one cell. */
export interface CellOptions {
  /** Show the cell's value (or error) as its output. Default true (false for file cells). */
  display?: boolean;
}

/** Options of {@linkcode Notebook.file} and {@linkcode Notebook.ndjson}. */
export interface FileCellOptions extends CellOptions {
  /** Milliseconds between checks of the file. Default 250. */
  interval?: number;
  /** After a change, wait this long for the writer to finish before reading. Default 100. */
  debounce?: number;
}

/** Options of {@linkcode notebook}. */
export interface NotebookOptions {
  /** Where outputs go. Default: the Jupyter cell outputs inside `deno jupyter`, files in `outDir` elsewhere. */
  target?: DisplayTarget;
  /** Outside Jupyter, the folder charts are written to. Default `artifacts/notebook`. */
  outDir?: string;
  /** Outside Jupyter, where output lines go. Default `console.log`. */
  log?: (line: string) => void;
}

/** A cell definition: a function of the input cells' values, maybe async. */
// deno-lint-ignore no-explicit-any
export type CellDefinition<T> = (...inputs: any[]) => T | Promise<T>;

interface CellRecord {
  name: string;
  inputs: readonly string[];
  variable: Variable;
  status: CellStatus;
  value: unknown;
  error: unknown;
  runs: number;
  display: boolean;
  /** Shown since the last (re)definition: the next display is an update. */
  shown: boolean;
  showQueued: boolean;
  poller: FilePoller | undefined;
  listeners: Set<(value: unknown) => void>;
}

let notebookCounter = 0;

function notDefined(name: string): never {
  throw new RuntimeError(`${name} is not defined`, name);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

/**
 * A reactive notebook: named cells whose inputs are other cells, computed
 * by `@observablehq/runtime`. Redefining a cell recomputes only the cells
 * that depend on it; a file cell re-reads its file when it changes; a cell
 * that throws shows its error as its own output, its dependents show they
 * wait for it, and every other cell keeps working. Each cell's value is its
 * output: in Jupyter an output that updates in place, elsewhere a file
 * (charts) or a printed line. Create one with {@linkcode notebook}.
 *
 * @example
 * ```ts
 * import { notebook } from "./notebook.ts";
 * const nb = notebook({ log: () => {} });
 * await nb.cell("lr", () => 1e-3);
 * await nb.cell("steps", () => 100);
 * await nb.cell("plan", ["lr", "steps"], (lr: number, steps: number) => `${steps} steps at ${lr}`);
 * await nb.redefine("lr", () => 3e-3); // recomputes "plan", not "steps"
 * console.log(await nb.value("plan")); // "100 steps at 0.003"
 * nb.dispose();
 * ```
 */
export class Notebook {
  readonly #runtime: Runtime;
  readonly #module: Module;
  readonly #cells = new Map<string, CellRecord>();
  readonly #target: DisplayTarget;
  #shows: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(options: NotebookOptions = {}) {
    this.#runtime = new Runtime(undefined, notDefined);
    this.#module = this.#runtime.module();
    const prefix = `nb${++notebookCounter}-${crypto.randomUUID().slice(0, 8)}`;
    this.#target = options.target ?? defaultTarget({
      prefix,
      ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
  }

  /** `"jupyter"` inside the kernel, `"files"` outside it. */
  get target(): string {
    return this.#target.kind;
  }

  /** The names of the cells, in definition order. */
  get names(): string[] {
    return [...this.#cells.keys()];
  }

  /**
   * Defines (or, when it exists, redefines) the cell `name`. With `inputs`,
   * `definition` receives those cells' values in order and runs again when
   * any of them changes. Resolves (to nothing, so a Jupyter cell shows only
   * the cell's own output) when the notebook has settled; it never rejects:
   * an error is the cell's output. Read the result with
   * {@linkcode Notebook.state} or {@linkcode Notebook.value}.
   */
  cell<T>(name: string, definition: CellDefinition<T>, options?: CellOptions): Promise<void>;
  cell<T>(
    name: string,
    inputs: readonly string[],
    definition: CellDefinition<T>,
    options?: CellOptions,
  ): Promise<void>;
  cell<T>(
    name: string,
    a: readonly string[] | CellDefinition<T>,
    b?: CellDefinition<T> | CellOptions,
    c?: CellOptions,
  ): Promise<void> {
    const [inputs, definition, options] = typeof a === "function"
      ? [[], a, b as CellOptions | undefined] as const
      : [a, b as CellDefinition<T>, c] as const;
    if (typeof definition !== "function") {
      throw new TypeError(`Cannot define cell ${name}: the definition must be a function`);
    }
    this.#define(name, inputs, definition, options?.display ?? true);
    return this.settled();
  }

  /** Redefines an existing cell (same arguments as {@linkcode Notebook.cell}); only its dependents recompute. */
  redefine<T>(name: string, definition: CellDefinition<T>, options?: CellOptions): Promise<void>;
  redefine<T>(
    name: string,
    inputs: readonly string[],
    definition: CellDefinition<T>,
    options?: CellOptions,
  ): Promise<void>;
  redefine<T>(
    name: string,
    a: readonly string[] | CellDefinition<T>,
    b?: CellDefinition<T> | CellOptions,
    c?: CellOptions,
  ): Promise<void> {
    const rec = this.#cells.get(name);
    if (rec === undefined) throw new ReferenceError(`Cannot redefine cell ${name}: it is not defined`);
    rec.poller?.stop();
    rec.poller = undefined;
    if (typeof a === "function") return this.cell(name, a, { display: rec.display, ...(b as CellOptions) });
    return this.cell(name, a, b as CellDefinition<T>, { display: rec.display, ...c });
  }

  /**
   * A cell holding the text of a file, parsed by `parse` (default: the text
   * itself), or `undefined` while the file does not exist. The file is
   * checked every `interval` ms; when it changes it is read again and the
   * cells that depend on this one recompute. A parse error is the cell's
   * error until the next change.
   *
   * @example
   * ```ts ignore
   * await nb.file("config", "configs/config.yaml", (text) => parseYaml(text));
   * ```
   */
  async file<T = string>(
    name: string,
    path: string,
    parse?: (text: string) => T,
    options: FileCellOptions = {},
  ): Promise<void> {
    const read = async (stat: FileStat): Promise<T | undefined> => {
      if (stat === undefined) return undefined;
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw err;
      }
      return parse === undefined ? text as T : parse(text);
    };
    return await this.#watch(name, path, read, options);
  }

  /**
   * A cell holding the records of an append-only NDJSON file (such as a
   * run's `metrics.ndjson`), `[]` while it does not exist. Only the lines
   * added since the last check are read; a torn last line waits for its end;
   * a file that shrinks or is replaced is read again from the start.
   *
   * @example
   * ```ts ignore
   * await nb.ndjson("metrics", "artifacts/runs/<run_id>/metrics.ndjson");
   * await nb.cell("val", ["metrics"], (m) => m.filter((r) => r.split === "val"));
   * ```
   */
  async ndjson<T = Record<string, unknown>>(
    name: string,
    path: string,
    options: FileCellOptions = {},
  ): Promise<void> {
    const tail = new NdjsonTail<T>(path);
    return await this.#watch(name, path, async (stat) => [...await tail.update(stat)], options);
  }

  async #watch<T>(
    name: string,
    path: string,
    read: (stat: FileStat) => Promise<T>,
    options: FileCellOptions,
  ): Promise<void> {
    const old = this.#cells.get(name);
    old?.poller?.stop();
    let rec: CellRecord | undefined;
    const poller = new FilePoller(path, {
      interval: options.interval ?? 250,
      debounce: options.debounce ?? 100,
    }, async (stat) => {
      let value: T | undefined;
      let error: unknown;
      let failed = false;
      try {
        value = await read(stat);
      } catch (err) {
        failed = true;
        error = err;
      }
      if (rec === undefined) {
        rec = this.#define(name, [], () => {
          if (failed) throw error;
          return value;
        }, options.display ?? false);
      } else if (rec.poller === poller) {
        this.#setConstant(rec, failed, value, error);
      }
    });
    await poller.first;
    if (rec !== undefined) rec.poller = poller;
    else poller.stop();
    await this.settled();
  }

  /**
   * Defines or replaces the cell `name` with a constant value; its
   * dependents recompute. An existing output is updated in place.
   */
  set<T>(name: string, value: T, options: CellOptions = {}): Promise<void> {
    const rec = this.#cells.get(name);
    if (rec === undefined) {
      this.#define(name, [], () => value, options.display ?? true);
    } else {
      rec.poller?.stop();
      rec.poller = undefined;
      this.#setConstant(rec, false, value, undefined);
    }
    return this.settled();
  }

  #setConstant(rec: CellRecord, failed: boolean, value: unknown, error: unknown): void {
    rec.variable.define(rec.name, [], () => {
      rec.runs++;
      if (failed) throw error;
      return value;
    });
  }

  #define(name: string, inputs: readonly string[], definition: CellDefinition<unknown>, display: boolean): CellRecord {
    if (this.#disposed) throw new Error(`Cannot define cell ${name}: the notebook was disposed`);
    let rec = this.#cells.get(name);
    if (rec === undefined) {
      const created: CellRecord = {
        name,
        inputs,
        variable: undefined as unknown as Variable,
        status: "pending",
        value: undefined,
        error: undefined,
        runs: 0,
        display,
        shown: false,
        showQueued: false,
        poller: undefined,
        listeners: new Set(),
      };
      created.variable = this.#module.variable(this.#observer(created));
      this.#cells.set(name, created);
      rec = created;
    } else {
      rec.poller?.stop();
      rec.poller = undefined;
      rec.inputs = inputs;
      rec.display = display;
      rec.shown = false;
    }
    const target = rec;
    rec.variable.define(name, [...inputs], (...values: never[]) => {
      target.runs++;
      return definition(...values);
    });
    return rec;
  }

  #observer(rec: CellRecord): Observer {
    return {
      pending: () => {
        rec.status = "pending";
      },
      fulfilled: (value) => {
        rec.status = "fulfilled";
        rec.value = value;
        rec.error = undefined;
        this.#queueShow(rec);
        for (const listener of rec.listeners) listener(value);
      },
      rejected: (error) => {
        const input = error instanceof RuntimeError ? error.input : undefined;
        rec.status = input !== undefined && input !== rec.name ? "waiting" : "rejected";
        rec.value = undefined;
        rec.error = error;
        this.#queueShow(rec);
      },
    };
  }

  #queueShow(rec: CellRecord): void {
    if (!rec.display || rec.showQueued || this.#disposed) return;
    rec.showQueued = true;
    this.#shows = this.#shows.then(async () => {
      rec.showQueued = false;
      if (this.#disposed) return;
      const bundle = await this.#bundle(rec);
      const update = rec.shown;
      rec.shown = true;
      await this.#target.show(rec.name, bundle, { update });
    }).catch((err) => {
      console.error(`Cannot display cell ${rec.name}: ${describeError(err)}`);
    });
  }

  async #bundle(rec: CellRecord): Promise<MediaBundle> {
    if (rec.status === "fulfilled") {
      try {
        return await toMediaBundle(rec.value);
      } catch (err) {
        return this.#errorBundle(rec.name, `✖ ${rec.name}: ${describeError(err)}`);
      }
    }
    const waitingFor = this.#waitingFor(rec);
    if (waitingFor !== undefined) {
      const reason = rec.error instanceof Error ? rec.error.message : String(rec.error);
      const text = reason === `${waitingFor} is not defined`
        ? `… ${rec.name}: waiting for ${waitingFor} (not defined yet)`
        : `… ${rec.name}: waiting for ${waitingFor}, which failed: ${reason}`;
      return { "text/plain": text, "text/html": `<pre style="color:#8a6d00">${escapeHtml(text)}</pre>` };
    }
    return this.#errorBundle(rec.name, `✖ ${rec.name}: ${describeError(rec.error)}`);
  }

  #errorBundle(_name: string, text: string): MediaBundle {
    return { "text/plain": text, "text/html": `<pre style="color:#b00020">${escapeHtml(text)}</pre>` };
  }

  #waitingFor(rec: CellRecord): string | undefined {
    if (rec.status !== "waiting") return undefined;
    return rec.error instanceof RuntimeError ? rec.error.input : undefined;
  }

  /** Resolves when nothing is computing and every queued output has been shown. */
  async settled(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await this.#runtime._compute();
      await Promise.all([...this.#cells.values()].map((rec) => rec.variable._promise.catch(() => {})));
      await this.#shows;
      if ([...this.#cells.values()].every((rec) => rec.status !== "pending")) return;
    }
  }

  /**
   * Checks every file cell's file now (instead of at the next poll) and
   * waits for the notebook to settle: call it after a run ends to draw its
   * last points.
   */
  async refresh(): Promise<void> {
    await Promise.all([...this.#cells.values()].map((rec) => rec.poller?.check()));
    await this.settled();
  }

  /** The state of the cell `name` now. */
  state<T = unknown>(name: string): CellState<T> {
    const rec = this.#cells.get(name);
    if (rec === undefined) throw new ReferenceError(`Cannot read cell ${name}: it is not defined`);
    return {
      name,
      status: rec.status,
      value: rec.value as T | undefined,
      error: rec.error,
      waitingFor: this.#waitingFor(rec),
      runs: rec.runs,
      inputs: rec.inputs,
    };
  }

  /** The next settled value of the cell `name`; rejects with its error. */
  async value<T = unknown>(name: string): Promise<T> {
    if (!this.#cells.has(name)) throw new ReferenceError(`Cannot read cell ${name}: it is not defined`);
    return await this.#module.value(name) as T;
  }

  /**
   * Resolves with the cell's value once `predicate` holds for it (checked
   * now and on each new value), e.g. until a watched run has finished.
   */
  until<T = unknown>(name: string, predicate: (value: T) => boolean, options: { timeout?: number } = {}): Promise<T> {
    const rec = this.#cells.get(name);
    if (rec === undefined) throw new ReferenceError(`Cannot wait for cell ${name}: it is not defined`);
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const listener = (value: unknown) => {
        let ok = false;
        try {
          ok = predicate(value as T);
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (!ok) return;
        done();
        resolve(value as T);
      };
      const done = () => {
        rec.listeners.delete(listener);
        if (timer !== undefined) clearTimeout(timer);
      };
      rec.listeners.add(listener);
      if (options.timeout !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(new Error(`Cannot wait for cell ${name}: no matching value within ${options.timeout} ms`));
        }, options.timeout);
      }
      if (rec.status === "fulfilled") listener(rec.value);
    });
  }

  /** Removes the cell `name`; cells that use it wait for it again. */
  async delete(name: string): Promise<void> {
    const rec = this.#cells.get(name);
    if (rec === undefined) return;
    rec.poller?.stop();
    rec.variable.delete();
    this.#cells.delete(name);
    await this.settled();
  }

  /** Stops every file cell and the runtime; the notebook cannot be used after. */
  dispose(): void {
    this.#disposed = true;
    for (const rec of this.#cells.values()) rec.poller?.stop();
    this.#runtime.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Creates a reactive {@linkcode Notebook}. In Jupyter, `await` each call in
 * its own Jupyter cell so the output lands there; a chart cell then redraws
 * in place when its inputs change, even while later Jupyter cells run.
 * Outside Jupyter, charts go to `artifacts/notebook/<cell>.svg` and their
 * paths are printed.
 *
 * @example
 * ```ts
 * import { notebook } from "./notebook.ts";
 * const nb = notebook({ log: () => {} });
 * await nb.cell("a", () => 2);
 * await nb.cell("b", ["a"], (a: number) => a * 10);
 * console.log(nb.state("b").value); // 20
 * nb.dispose();
 * ```
 */
export function notebook(options: NotebookOptions = {}): Notebook {
  return new Notebook(options);
}
