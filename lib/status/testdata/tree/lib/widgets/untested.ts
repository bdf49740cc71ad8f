/**
 * The answer.
 *
 * @example
 * ```ts
 * console.log(ANSWER);
 * ```
 */
export const ANSWER = 42;
