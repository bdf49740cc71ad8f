/**
 * `sanitize`: checks a text against a policy at a stage, redacts what the
 * rules say, raises `SafetyViolation` on a block (unless an allow entry
 * matches or the bypass is on), and logs every match with a hash and a
 * masked excerpt, never the raw text.
 *
 * @module
 */
import { appendJsonLine, sha256Hex } from "../io/mod.ts";
import { luhn, normalizedView, normalizeLiteral, type TextView } from "./normalize.ts";
import { defaultPolicyPath, loadPolicy, type SafetyPolicy, type SafetyRule, type Stage } from "./policy.ts";

/** One rule matching one span of the original text. */
export interface SafetyMatch {
  rule_id: string;
  action: SafetyRule["action"];
  severity: SafetyRule["severity"];
  /** Span in the original text. */
  start: number;
  end: number;
}

/** The outcome of {@linkcode sanitize}. */
export interface SanitizeResult {
  /** The text with redactions applied. */
  text: string;
  decision: "allow" | "redact" | "flag";
  matches: SafetyMatch[];
  /** A block that the bypass let through. */
  bypassed: boolean;
}

/** A safety event, as logged (`artifacts/safety/events.ndjson`). */
export interface SafetyEvent {
  schema_version: number;
  ts: string;
  run_id: string | null;
  rule_id: string;
  action: string;
  severity: string;
  stage: Stage;
  /** First 16 hex digits of the SHA-256 of the matched text. */
  hash: string;
  /** Up to 40 characters each side, every match masked as [rule_id]. */
  excerpt: string;
  bypassed: boolean;
}

/**
 * Thrown when a block rule fires.
 *
 * @example
 * ```ts
 * import { SafetyViolation } from "./sanitize.ts";
 * const match = { rule_id: "private-key-block", action: "block" as const, severity: "critical" as const, start: 0, end: 5 };
 * const err = new SafetyViolation(["private-key-block"], [match], "output");
 * if (!(err instanceof Error) || err.message !== "Blocked by safety policy at stage output: private-key-block") {
 *   throw new Error(err.message);
 * }
 * ```
 */
export class SafetyViolation extends Error {
  readonly ruleIds: string[];
  readonly matches: SafetyMatch[];
  constructor(ruleIds: string[], matches: SafetyMatch[], stage: Stage) {
    super(`Blocked by safety policy at stage ${stage}: ${ruleIds.join(", ")}`);
    this.name = "SafetyViolation";
    this.ruleIds = ruleIds;
    this.matches = matches;
  }
}

/** Options of {@linkcode sanitize}. */
export interface SanitizeOptions {
  stage: Stage;
  /** A policy or its path (default: the default pack, or `CODEX_SAFETY_POLICY`). */
  policy?: SafetyPolicy | string;
  /** Recorded in events (inside a run). */
  runId?: string;
  /** Called with every event too (a run logs them in its events.ndjson). */
  onEvent?: (e: SafetyEvent) => void;
  /** Don't write the policy's log file (events still go to `onEvent`). */
  noLog?: boolean;
}

const cache = new Map<string, Promise<SafetyPolicy>>();

function policyFor(p: SafetyPolicy | string | undefined): Promise<SafetyPolicy> {
  if (p && typeof p === "object") return Promise.resolve(p);
  const path = p ?? defaultPolicyPath();
  let hit = cache.get(path);
  if (!hit) {
    hit = loadPolicy(path);
    cache.set(path, hit);
    hit.catch(() => cache.delete(path));
  }
  return hit;
}

function bypassOn(policy: SafetyPolicy): boolean {
  if (policy.bypass) return true;
  try {
    return Deno.env.get("CODEX_SAFETY_BYPASS") === "1";
  } catch {
    return false;
  }
}

function findIn(view: TextView, rule: SafetyRule, out: SafetyMatch[]): void {
  const add = (a: number, b: number) => {
    if (b <= a) return;
    out.push({
      rule_id: rule.id,
      action: rule.action,
      severity: rule.severity,
      start: view.start[a]!,
      end: view.end[b - 1]!,
    });
  };
  for (const lit of rule.literals) {
    const needle = normalizeLiteral(lit);
    if (!needle) continue;
    for (let i = view.lower.indexOf(needle); i !== -1; i = view.lower.indexOf(needle, i + 1)) add(i, i + needle.length);
  }
  for (const re of rule.patterns) {
    re.lastIndex = 0;
    for (const m of view.text.matchAll(re)) {
      if (m[0].length === 0) continue;
      add(m.index!, m.index! + m[0].length);
    }
  }
}

/**
 * Finds every rule match (after allow entries and validators) for a stage, without side effects.
 *
 * @example
 * ```ts
 * import { findMatches } from "./sanitize.ts";
 * import { compilePolicy } from "./policy.ts";
 * const policy = compilePolicy({
 *   rules: [{ id: "card", action: "redact", validate: "luhn", match: { patterns: ["\\b(?:\\d[ -]?){15}\\d\\b"] } }],
 * });
 * const text = "good 4111 1111 1111 1111, bad 4111 1111 1111 1112";
 * const found = findMatches(text, policy, "output");
 * if (found.length !== 1 || text.slice(found[0]!.start, found[0]!.end) !== "4111 1111 1111 1111") {
 *   throw new Error(JSON.stringify(found));
 * }
 * ```
 */
export function findMatches(text: string, policy: SafetyPolicy, stage: Stage): SafetyMatch[] {
  const plain = normalizedView(text);
  const joined = text.includes("\n") ? normalizedView(text, true) : null;
  const found: SafetyMatch[] = [];
  for (const rule of policy.rules) {
    if (!rule.applies_to.includes(stage)) continue;
    const own: SafetyMatch[] = [];
    findIn(plain, rule, own);
    found.push(...own);
    if (!joined) continue;
    // The line-joined view only adds matches that cross a line break and
    // that no match within a line already covers.
    const across: SafetyMatch[] = [];
    findIn(joined, rule, across);
    for (const m of across) {
      if (!/[\r\n]/.test(text.slice(m.start, m.end))) continue;
      if (own.some((o) => o.start < m.end && m.start < o.end)) continue;
      found.push(m);
    }
  }
  const allowLiterals = policy.allow.literals.map(normalizeLiteral);
  const seen = new Set<string>();
  return found.filter((m) => {
    const key = `${m.rule_id}:${m.start}:${m.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    const raw = text.slice(m.start, m.end);
    const norm = normalizedView(raw, true);
    if (allowLiterals.includes(norm.lower)) return false;
    if (
      policy.allow.patterns.some((
        re,
      ) => (re.lastIndex = 0, new RegExp(re.source, re.flags.replace("g", "")).test(norm.text)))
    ) {
      return false;
    }
    const rule = policy.rules.find((r) => r.id === m.rule_id)!;
    return rule.validate === "luhn" ? luhn(norm.text) : true;
  }).sort((a, b) => a.start - b.start || b.end - a.end);
}

function masked(text: string, matches: SafetyMatch[], replace: (m: SafetyMatch) => string): string {
  let out = "", pos = 0;
  for (const m of matches) {
    if (m.start < pos) continue; // overlapped by an earlier, longer match
    out += text.slice(pos, m.start) + replace(m);
    pos = m.end;
  }
  return out + text.slice(pos);
}

/**
 * Checks `text` at a stage.
 *
 * @example
 * ```ts ignore
 * import { sanitize } from "./sanitize.ts";
 * const r = await sanitize("mail me at jane@corp.io", { stage: "output" });
 * console.log(r.decision, r.text); // "redact", "mail me at [EMAIL]"
 * ```
 */
export async function sanitize(text: string, options: SanitizeOptions): Promise<SanitizeResult> {
  const policy = await policyFor(options.policy);
  const matches = findMatches(text, policy, options.stage);
  const blocks = matches.filter((m) => m.action === "block");
  const bypassed = blocks.length > 0 && bypassOn(policy);
  let vetoed = false;
  if (policy.classifier && !blocks.length) {
    const mod = await import(new URL(policy.classifier, `file://${Deno.cwd()}/`).href);
    const verdict = await mod.classify(text, options.stage);
    vetoed = verdict === true || (verdict && typeof verdict === "object" && verdict.block === true);
  }
  if (matches.length || vetoed) {
    const excerptBase = masked(text, matches, (m) => `[${m.rule_id}]`);
    for (const m of matches) {
      const at = masked(
        text.slice(0, m.start),
        matches.filter((x) => x.end <= m.start),
        (x) => `[${x.rule_id}]`,
      ).length;
      const event: SafetyEvent = {
        schema_version: 1,
        ts: new Date().toISOString(),
        run_id: options.runId ?? null,
        rule_id: m.rule_id,
        action: m.action,
        severity: m.severity,
        stage: options.stage,
        hash: (await sha256Hex(text.slice(m.start, m.end))).slice(0, 16),
        excerpt: excerptBase.slice(Math.max(0, at - 40), at + m.rule_id.length + 2 + 40),
        bypassed: m.action === "block" && bypassed,
      };
      if (!options.noLog) await appendJsonLine(policy.log_path, event);
      options.onEvent?.(event);
    }
  }
  if (vetoed) {
    throw new SafetyViolation(["classifier"], matches, options.stage);
  }
  if (blocks.length && !bypassed) {
    throw new SafetyViolation([...new Set(blocks.map((m) => m.rule_id))], matches, options.stage);
  }
  const redactions = matches.filter((m) => m.action === "redact");
  const rules = new Map(policy.rules.map((r) => [r.id, r]));
  return {
    text: redactions.length ? masked(text, redactions, (m) => rules.get(m.rule_id)!.replacement) : text,
    decision: redactions.length ? "redact" : matches.some((m) => m.action === "flag") ? "flag" : "allow",
    matches,
    bypassed,
  };
}
