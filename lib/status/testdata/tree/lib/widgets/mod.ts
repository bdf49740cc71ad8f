/**
 * Re-exports only: nothing to test.
 *
 * @module
 */
export { spin, stop, Widget } from "./stubby.ts";
export { ANSWER } from "./untested.ts";
export type { Shape } from "./types.ts";
