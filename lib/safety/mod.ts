/**
 * Safety filters: allow/deny/redact/flag policies on prompts, outputs and
 * data, hardened against evasion.
 *
 * @module
 */
export {
  type Action,
  compilePolicy,
  defaultPolicyPath,
  loadPolicy,
  type SafetyPolicy,
  type SafetyRule,
  type Stage,
} from "./policy.ts";
export { luhn, normalizedView, type TextView } from "./normalize.ts";
export {
  findMatches,
  type SafetyEvent,
  type SafetyMatch,
  SafetyViolation,
  sanitize,
  type SanitizeOptions,
  type SanitizeResult,
} from "./sanitize.ts";
