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
export { luhn, normalizedView, originalSpan, type TextView } from "./normalize.ts";
export { type Detector, type DetectorHit, DETECTORS } from "./detectors.ts";
export { isCardNumber, isPlaceholder, shannonEntropy } from "./filters.ts";
export { type DecodedSegment, decodedSegments, decodeUnit } from "./decode.ts";
export {
  findMatches,
  type SafetyEvent,
  type SafetyMatch,
  SafetyViolation,
  sanitize,
  type SanitizeOptions,
  type SanitizeResult,
  sanitizeStream,
  type SanitizeStreamOptions,
} from "./sanitize.ts";
