// Types for the parts of npm:@observablehq/runtime (which ships none) that lib/notebook uses.

/** Notified when a variable starts computing, gets a value or fails. */
export interface Observer {
  pending?(): void;
  fulfilled?(value: unknown, name: string | null): void;
  rejected?(error: unknown, name: string | null): void;
}

/** One reactive variable (a cell). */
export interface Variable {
  define(name: string | null, inputs: readonly string[], definition: (...inputs: never[]) => unknown): Variable;
  delete(): Variable;
  /** Private, but stable across 4.x-6.x: the promise of the current value. */
  readonly _promise: Promise<unknown>;
}

/** A namespace of variables. */
export interface Module {
  variable(observer?: Observer): Variable;
  value(name: string): Promise<unknown>;
}

/** Runtime errors carry the name of the input that failed. */
export class RuntimeError extends Error {
  constructor(message: string, input?: string);
  readonly input: string | undefined;
}

/** The scheduler that computes variables in topological order. */
export class Runtime {
  constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
  module(): Module;
  dispose(): void;
  /** Private: schedules (or returns the pending) computation of dirty variables. */
  _compute(): Promise<void>;
}
