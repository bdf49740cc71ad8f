/**
 * Widgets, half done: a fixture of the status report's code scan.
 *
 * @module
 */
import { _clamp } from "./_clamp.ts";

/** Spins a widget. */
export function spin(speed: number): number {
  throw new Error(`spin is not implemented (speed ${speed})`);
}

/**
 * Stops a widget: empty on purpose, with a comment, so not a stub.
 *
 * @example
 * ```ts
 * stop();
 * ```
 */
export function stop(): void {
  // TODO: stop the widget for real
}

/** A widget. */
export class Widget {
  /** Paints it. */
  paint(): void {}
  /** Its size. */
  size(): number {
    return _clamp(1); // FIXME measure it
  }
}

/** Callbacks that do nothing are not stubs. */
export const onDone = (): void => {};
