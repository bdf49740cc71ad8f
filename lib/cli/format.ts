/**
 * Small formatters for terminal output.
 *
 * @module
 */

/**
 * `95` -> `1:35`, `3725` -> `1:02:05`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./format.ts";
 * if (formatDuration(95) !== "1:35" || formatDuration(3725) !== "1:02:05") throw new Error("bad duration");
 * if (formatDuration(-1) !== "--:--") throw new Error("negative should be --:--");
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? h + ":" : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/**
 * `4830` -> `4.83k`.
 *
 * @example
 * ```ts
 * import { formatRate } from "./format.ts";
 * if (formatRate(4830) !== "4.83k" || formatRate(2_500_000) !== "2.50M" || formatRate(12) !== "12") {
 *   throw new Error("bad rate");
 * }
 * ```
 */
export function formatRate(n: number): string {
  // The unit follows the rounded value, so 999.6 is "1.00k", not "1000".
  if (n >= 999_995) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 999.5) return `${(n / 1e3).toFixed(2)}k`;
  return n.toFixed(0);
}
