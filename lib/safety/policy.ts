/**
 * Safety policies: YAML with rules (id, description, severity, action,
 * replacement, applies_to, match: literals and patterns, named detectors,
 * keywords, min_run, filters: min_entropy, skip_placeholders, validate, a
 * per-rule allow list), an allow list, a bypass switch, decoding and a log path.
 * Loading validates every field and compiles every pattern, naming the rule
 * on any problem.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { fileURLToPath } from "node:url";
import { DETECTORS } from "./detectors.ts";

/** Where text is checked. */
export type Stage = "prompt" | "output" | "data";
/** What a match does. */
export type Action = "block" | "redact" | "flag";

/** A compiled rule. */
export interface SafetyRule {
  id: string;
  description: string;
  severity: "low" | "medium" | "high" | "critical";
  action: Action;
  replacement: string;
  applies_to: Stage[];
  literals: string[];
  patterns: RegExp[];
  /** Named detectors (`secretlint/aws`, `libphonenumber/phone`; see `DETECTORS`). */
  detectors: string[];
  /** A check a match must also pass: `luhn`, or `card` (Luhn plus issuer prefix and length). */
  validate?: "luhn" | "card";
  /** Minimum Shannon entropy (bits per character) of the secret (a pattern's `secret` group, else the match). */
  min_entropy?: number;
  /** Drop matches whose secret is a placeholder (`xxxx`, `<password>`, `${TOKEN}`, one repeated character); not for rules with `validate`. */
  skip_placeholders: boolean;
  /**
   * Lower-case words one of which a match is near (gitleaks' keywords): patterns run only in windows
   * around them, which keeps rules cheap on text that lacks them. Empty: patterns scan everything.
   */
  keywords: string[];
  /**
   * Patterns run only around runs of at least this many base64-alphabet characters (`[A-Za-z0-9+/_-]`,
   * found by the decoder's scan), one character before and three after each: for rules whose matches
   * lie inside such a run (plus up to two `=`), which keeps them cheap on long texts.
   */
  min_run?: number;
  /** A catch-all (high-entropy strings): its matches count only where no other rule matched. */
  fallback: boolean;
  /** This rule's own allow list, compared with the matched text (or its `secret` group). */
  allow: { literals: string[]; patterns: RegExp[] };
}

/** A loaded policy. */
export interface SafetyPolicy {
  version: number;
  bypass: boolean;
  log_path: string;
  allow: { literals: string[]; patterns: RegExp[] };
  rules: SafetyRule[];
  /** Also scan decoded forms (base64, escapes, HTML entities, URL encoding); default true. */
  decode: boolean;
  /** A module exporting `classify(text, stage)`; a truthy answer (or `{ block: true }`) vetoes. */
  classifier?: string;
  /** Where it was loaded from. */
  source: string;
}

const STAGES: Stage[] = ["prompt", "output", "data"];
const ACTIONS: Action[] = ["block", "redact", "flag"];
const SEVERITIES = ["low", "medium", "high", "critical"];

function compile(source: string, where: string, pattern: unknown, flags: string): RegExp {
  if (typeof pattern !== "string") {
    throw new TypeError(`Cannot load policy ${source}: ${where} has a pattern that is not a string`);
  }
  try {
    return new RegExp(pattern, flags.includes("g") ? flags : flags + "g");
  } catch (err) {
    throw new SyntaxError(
      `Cannot load policy ${source}: ${where} has an invalid pattern ${JSON.stringify(pattern)} (${
        (err as Error).message
      })`,
    );
  }
}

/**
 * Validates and compiles a parsed policy object.
 *
 * @example
 * ```ts
 * import { compilePolicy } from "./policy.ts";
 * const policy = compilePolicy({
 *   rules: [{ id: "codename", action: "redact", match: { literals: ["Project X"] } }],
 * });
 * const rule = policy.rules[0]!;
 * if (rule.replacement !== "[REDACTED:codename]" || rule.applies_to.join() !== "prompt,output,data") {
 *   throw new Error(JSON.stringify(rule));
 * }
 * let message = "";
 * try {
 *   compilePolicy({ rules: [{ id: "x", action: "delete", match: { literals: ["y"] } }] }, "mine.yaml");
 * } catch (err) {
 *   message = (err as Error).message;
 * }
 * if (!message.startsWith('Cannot load policy mine.yaml: rule x has action "delete"')) throw new Error(message);
 * ```
 */
export function compilePolicy(raw: unknown, source = "policy"): SafetyPolicy {
  if (!raw || typeof raw !== "object") throw new TypeError(`Cannot load policy ${source}: it is not a mapping`);
  const p = raw as Record<string, unknown>;
  const list = (v: unknown, what: string): unknown[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new TypeError(`Cannot load policy ${source}: ${what} must be a list`);
    return v;
  };
  const allow = (p.allow ?? {}) as Record<string, unknown>;
  const rules = list(p.rules, "rules").map((r, i): SafetyRule => {
    const rule = r as Record<string, unknown>;
    const id = typeof rule.id === "string" && rule.id ? rule.id : `rules[${i}]`;
    const where = `rule ${id}`;
    if (typeof rule.id !== "string" || !rule.id) {
      throw new TypeError(`Cannot load policy ${source}: rules[${i}] has no id`);
    }
    const action = rule.action as Action;
    if (!ACTIONS.includes(action)) {
      throw new RangeError(
        `Cannot load policy ${source}: ${where} has action ${
          JSON.stringify(rule.action)
        } (expected block, redact or flag)`,
      );
    }
    const severity = (rule.severity ?? "medium") as SafetyRule["severity"];
    if (!SEVERITIES.includes(severity)) {
      throw new RangeError(
        `Cannot load policy ${source}: ${where} has severity ${JSON.stringify(rule.severity)} (expected ${
          SEVERITIES.join(", ")
        })`,
      );
    }
    const stages = list(rule.applies_to ?? STAGES, `${where} applies_to`) as Stage[];
    for (const s of stages) {
      if (!STAGES.includes(s)) {
        throw new RangeError(
          `Cannot load policy ${source}: ${where} applies to unknown stage ${
            JSON.stringify(s)
          } (expected prompt, output or data)`,
        );
      }
    }
    const match = (rule.match ?? {}) as Record<string, unknown>;
    const flags = typeof match.flags === "string" ? match.flags : "u";
    const literals = list(match.literals, `${where} match.literals`).map((l) => String(l));
    const patterns = list(match.patterns, `${where} match.patterns`).map((pat) => compile(source, where, pat, flags));
    const detectors = [
      ...(rule.detector === undefined ? [] : [rule.detector]),
      ...list(rule.detectors, `${where} detectors`),
    ].map((d) => {
      if (typeof d !== "string" || !(d in DETECTORS)) {
        throw new RangeError(
          `Cannot load policy ${source}: ${where} names unknown detector ${JSON.stringify(d)} (known: ${
            Object.keys(DETECTORS).join(", ")
          })`,
        );
      }
      return d;
    });
    if (!literals.length && !patterns.length && !detectors.length) {
      throw new TypeError(
        `Cannot load policy ${source}: ${where} matches nothing (give literals, patterns or a detector)`,
      );
    }
    if (rule.validate !== undefined && rule.validate !== "luhn" && rule.validate !== "card") {
      throw new RangeError(
        `Cannot load policy ${source}: ${where} has validate ${JSON.stringify(rule.validate)} (expected luhn or card)`,
      );
    }
    if (rule.min_entropy !== undefined && (typeof rule.min_entropy !== "number" || !(rule.min_entropy >= 0))) {
      throw new RangeError(
        `Cannot load policy ${source}: ${where} has min_entropy ${
          JSON.stringify(rule.min_entropy)
        } (expected a number >= 0)`,
      );
    }
    if (rule.min_run !== undefined && (!Number.isInteger(rule.min_run) || !((rule.min_run as number) >= 1))) {
      throw new RangeError(
        `Cannot load policy ${source}: ${where} has min_run ${JSON.stringify(rule.min_run)} (expected an integer >= 1)`,
      );
    }
    const ruleAllow = (rule.allow ?? {}) as Record<string, unknown>;
    return {
      id: rule.id,
      description: String(rule.description ?? ""),
      severity,
      action,
      replacement: typeof rule.replacement === "string" ? rule.replacement : `[REDACTED:${rule.id}]`,
      applies_to: stages,
      literals,
      patterns,
      detectors,
      ...(rule.validate ? { validate: rule.validate as "luhn" | "card" } : {}),
      ...(typeof rule.min_entropy === "number" ? { min_entropy: rule.min_entropy } : {}),
      ...(typeof rule.min_run === "number" ? { min_run: rule.min_run } : {}),
      skip_placeholders: rule.skip_placeholders !== false,
      fallback: rule.fallback === true,
      keywords: list(rule.keywords, `${where} keywords`).map((k) => String(k).toLowerCase()).filter(Boolean),
      allow: {
        literals: list(ruleAllow.literals, `${where} allow.literals`).map(String),
        patterns: list(ruleAllow.patterns, `${where} allow.patterns`).map((pat) =>
          compile(source, where, pat, typeof ruleAllow.flags === "string" ? ruleAllow.flags : "u")
        ),
      },
    };
  });
  const ids = rules.map((r) => r.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new TypeError(`Cannot load policy ${source}: rule id ${dup} appears twice`);
  return {
    version: Number(p.version ?? 1),
    bypass: p.bypass === true,
    log_path: typeof p.log_path === "string" ? p.log_path : "artifacts/safety/events.ndjson",
    allow: {
      literals: list(allow.literals, "allow.literals").map(String),
      patterns: list(allow.patterns, "allow.patterns").map((pat) => compile(source, "allow", pat, "u")),
    },
    rules,
    decode: p.decode !== false,
    ...(typeof p.classifier === "string" ? { classifier: p.classifier } : {}),
    source,
  };
}

/**
 * Reads and compiles a policy file; an unreadable file is an error, never an empty policy.
 *
 * @example
 * ```ts
 * import { loadPolicy } from "./policy.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/policy.yaml`, "rules:\n  - id: pin\n    action: flag\n    match: { patterns: ['\\d{4}'] }\n");
 * const policy = await loadPolicy(`${dir}/policy.yaml`);
 * await Deno.remove(dir, { recursive: true });
 * if (policy.rules[0]?.id !== "pin" || policy.source !== `${dir}/policy.yaml`) throw new Error("not loaded");
 * let threw = false;
 * try {
 *   await loadPolicy(`${dir}/gone.yaml`);
 * } catch {
 *   threw = true;
 * }
 * if (!threw) throw new Error("a missing file must not give an empty policy");
 * ```
 */
export async function loadPolicy(path: string): Promise<SafetyPolicy> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new Error(`Cannot load policy ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SyntaxError(`Cannot load policy ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  return compilePolicy(raw, path);
}

/**
 * The default pack's path (`configs/safety/policy.yaml`), or `CODEX_SAFETY_POLICY` if set.
 *
 * @example
 * ```ts
 * import { defaultPolicyPath } from "./policy.ts";
 * const path = defaultPolicyPath();
 * const env = Deno.env.get("CODEX_SAFETY_POLICY");
 * // Without the variable: the pack shipped with codex, as an absolute path.
 * if (!env ? !path.endsWith("/configs/safety/policy.yaml") : path !== env) throw new Error(path);
 * ```
 */
export function defaultPolicyPath(): string {
  let env: string | undefined;
  try {
    env = Deno.env.get("CODEX_SAFETY_POLICY");
  } catch {
    env = undefined; // no --allow-env for it: use the default pack
  }
  // An empty variable means "not set": the default pack.
  return env || fileURLToPath(new URL("../../configs/safety/policy.yaml", import.meta.url));
}
