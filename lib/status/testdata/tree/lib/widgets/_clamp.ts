// A private helper: covered through stubby.ts, whose test imports it.

/** Clamps to [0, 1]. */
export function _clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}
