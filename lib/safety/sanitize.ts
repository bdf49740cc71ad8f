/**
 * `sanitize`: checks a text against a policy at a stage, redacts what the
 * rules say, raises `SafetyViolation` on a block (unless an allow entry
 * matches or the bypass is on), and logs every match with a hash and a
 * masked excerpt, never the raw text.
 *
 * @module
 */
import { appendJsonLine, sha256Hex } from "../io/mod.ts";
import { base64Runs, decodedSegments } from "./decode.ts";
import { DETECTOR_GATES, DETECTORS } from "./detectors.ts";
import { isCardNumber, isPlaceholder, shannonEntropy } from "./filters.ts";
import { luhn, normalizedView, normalizeLiteral, originalSpan, type TextView } from "./normalize.ts";
import { defaultPolicyPath, loadPolicy, type SafetyPolicy, type SafetyRule, type Stage } from "./policy.ts";
import { LiteralScanner } from "./prefilter.ts";

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

// A line break inside a token (a secret split across lines): no whitespace or punctuation on either side.
// (As /[A-Za-z0-9+/=_\u00c0-\uffff-]/, tested on character codes.)
const JOIN_WINDOW = 256;
const _TOKEN_ASCII = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-") {
  _TOKEN_ASCII[c.charCodeAt(0)] = 1;
}
const _tokenChar = (c: number) => c >= 0xc0 || (c < 128 && _TOKEN_ASCII[c] === 1);
const _lowerLetter = (c: number) => c >= 97 && c <= 122;
const _isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** As /(?:^|[^A-Za-z0-9+/=_-])[a-z]{1,8}$/ on the (up to) eight characters ending at `end`. */
function _proseBefore(text: string, end: number): boolean {
  const start = Math.max(0, end - 7);
  let j = end;
  while (j >= start && _lowerLetter(text.charCodeAt(j))) j--;
  if (j === end) return false;
  if (j < start) return true;
  const c = text.charCodeAt(j);
  return c >= 128 || _TOKEN_ASCII[c] !== 1;
}

/** As /^[a-z]{1,8}(?:[^A-Za-z0-9+/=_-]|$)/ on the (up to) eight characters from `start`. */
function _proseAfter(text: string, start: number): boolean {
  const end = Math.min(text.length, start + 8);
  let j = start;
  while (j < end && _lowerLetter(text.charCodeAt(j))) j++;
  if (j === start) return false;
  if (j === end) return true;
  const c = text.charCodeAt(j);
  return c >= 128 || _TOKEN_ASCII[c] !== 1;
}

/** Windows around line breaks inside tokens, as views without line breaks; `offset` is where each starts. */
function _joinedWindows(
  text: string,
): Array<{ view: TextView; offset: number; keys: Set<string> | null; present: Set<string> | null }> {
  const spans: Array<[number, number]> = [];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    const before = i > 0 && text.charCodeAt(i - 1) === 13 ? i - 2 : i - 1;
    if (before < 0 || i + 1 >= text.length) continue;
    if (!_tokenChar(text.charCodeAt(before)) || !_tokenChar(text.charCodeAt(i + 1))) continue;
    // Wrapped prose ("the whale\nwas") is not a split secret: skip breaks between lower-case words.
    if (_proseBefore(text, before) && _proseAfter(text, i + 1)) continue;
    // From the third word before the break to the third after (at most JOIN_WINDOW each way):
    // enough for a token, a key = value pair or a PEM header split across lines.
    let a = before, b = i + 1;
    for (let words = 0; a > 0 && before - a < JOIN_WINDOW && words < 3; a--) {
      if (_isSpace(text.charCodeAt(a - 1)) && !_isSpace(text.charCodeAt(a))) words++;
    }
    for (let words = 0; b < text.length && b - i < JOIN_WINDOW && words < 3; b++) {
      if (_isSpace(text.charCodeAt(b)) && !_isSpace(text.charCodeAt(b - 1))) words++;
    }
    const last = spans[spans.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else spans.push([a, b]);
  }
  return spans.map(([a, b]) => ({
    view: normalizedView(text.slice(a, b), true),
    offset: a,
    keys: null,
    present: null,
  }));
}

const KEYWORD_WINDOW = 512;

/**
 * For each rule with keywords, merged windows around their occurrences, widened to whitespace;
 * `hits` are the keyword hits of {@linkcode LiteralScanner} (the same as the keyword regex's matches).
 */
function _keywordWindows(
  text: string,
  policy: SafetyPolicy,
  hits: number[],
  names: string[],
): Map<SafetyRule, Array<[number, number]>> {
  const out = new Map<SafetyRule, Array<[number, number]>>();
  const idx = _keywordIndex(policy);
  if (!idx) return out;
  for (const r of policy.rules) if (r.keywords.length) out.set(r, []);
  for (let k = 0; k < hits.length; k += 2) {
    const h = hits[k]!;
    const a = Math.max(0, h - KEYWORD_WINDOW), b = Math.min(text.length, h + KEYWORD_WINDOW);
    for (const r of idx.rules.get(names[hits[k + 1]!]!) ?? []) {
      const ws = out.get(r)!;
      const last = ws[ws.length - 1];
      if (last && a <= last[1]) last[1] = b;
      else ws.push([a, b]);
    }
  }
  for (const ws of out.values()) {
    for (const w of ws) {
      for (let n = 0; w[0] > 0 && n < 256 && !_isSpace(text.charCodeAt(w[0] - 1)); n++) w[0]--;
      for (let n = 0; w[1] < text.length && n < 256 && !_isSpace(text.charCodeAt(w[1])); n++) w[1]++;
    }
  }
  return out;
}

/**
 * Windows around the base64-alphabet runs at least `min` long (`runs` from `base64Runs` with a smaller
 * or equal minimum): one character before a run and three after it (up to two `=` and what a lookahead
 * sees), merged where they touch, so a pattern whose matches lie inside a run sees the same
 * neighbours as in the whole text.
 */
function _runWindows(text: string, runs: number[], min: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (min < 16) {
    // Shorter runs than the shared scan keeps: scan again.
    runs = base64Runs(text, min);
  }
  for (let k = 0; k < runs.length; k += 2) {
    if (runs[k + 1]! - runs[k]! < min) continue;
    const a = Math.max(0, runs[k]! - 1), b = Math.min(text.length, runs[k + 1]! + 3);
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

interface _Candidate {
  rule: SafetyRule;
  start: number;
  end: number;
  /** The matched text, normalised (or decoded). */
  matched: string;
  /** The part the filters judge: a pattern's `secret` group, else the match. */
  value: string;
  literal: boolean;
}

/**
 * Scans one view; `map` turns view offsets into original spans. A detector with gate literals runs
 * only if one occurs in the text (`present`: those found by the one-pass scan of a long text).
 */
function _scan(
  text: string,
  rule: SafetyRule,
  map: (a: number, b: number) => [number, number] | null,
  out: _Candidate[],
  present?: Set<string>,
): void {
  const add = (a: number, b: number, value: string, literal: boolean) => {
    if (b <= a) return;
    const span = map(a, b);
    if (!span) return;
    const matched = text.slice(a, b);
    out.push({ rule, start: span[0], end: span[1], matched, value, literal });
  };
  const lits = _literalRegex(rule);
  if (lits) {
    for (const m of _matches(lits, text)) add(m.index, m.index + m[0].length, m[0], true);
  }
  for (const re of rule.patterns) {
    for (const m of _matches(re, text)) {
      if (m[0].length === 0) continue;
      add(m.index, m.index + m[0].length, m.groups?.secret ?? m[0], false);
    }
  }
  for (const name of rule.detectors) {
    const gate = DETECTOR_GATES[name];
    if (gate && !gate.some((l) => present ? present.has(l) : text.includes(l))) continue;
    for (const h of DETECTORS[name]!(text)) add(h.start, h.end, text.slice(h.start, h.end), false);
  }
}

/**
 * The matches of a global regex, as `text.matchAll(re)` gives them, without the copy of the regex that
 * matchAll makes on every call (which dominates on many small windows).
 */
function _matches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m);
    if (m[0].length === 0) {
      // As matchAll: step past an empty match (by a code point under the u or v flag).
      const i = re.lastIndex;
      const wide = (re.unicode || re.unicodeSets) && i < text.length && text.charCodeAt(i) >= 0xd800 &&
        text.charCodeAt(i) <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 &&
        text.charCodeAt(i + 1) <= 0xdfff;
      re.lastIndex = i + (wide ? 2 : 1);
    }
  }
  re.lastIndex = 0;
  return out;
}

const _literalCache = new WeakMap<SafetyRule, RegExp | null>();
/** The rule's literals, normalised, as one case-insensitive regex (one pass over the text). */
function _literalRegex(rule: SafetyRule): RegExp | null {
  let re = _literalCache.get(rule.literals as unknown as SafetyRule);
  if (re === undefined) {
    const needles = rule.literals.map(normalizeLiteral).filter(Boolean);
    re = needles.length
      ? new RegExp(needles.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi")
      : null;
    _literalCache.set(rule.literals as unknown as SafetyRule, re);
  }
  return re;
}

interface _KeywordIndex {
  re: RegExp;
  rules: Map<string, SafetyRule[]>;
  /** Every keyword, and every gate literal of the policy's detectors, in one pass. */
  scanner: LiteralScanner;
}
/**
 * A text's keyword hits (as [index, number in `names`] pairs) and present gate literals: the scanner's
 * one pass, or for a policy with non-ASCII keywords the keyword regex plus the scanner for the gates.
 */
function _literals(
  policy: SafetyPolicy,
  text: string,
): { keywordHits: number[]; names: string[]; present: Set<string> } {
  const idx = _keywordIndex(policy), scanner = _scanner(policy);
  const { keywordHits, present } = scanner.scan(text);
  if (!idx || scanner.keywords.length) return { keywordHits, names: scanner.keywords, present };
  const hits: number[] = [], names: string[] = [];
  for (const m of _matches(idx.re, text)) hits.push(m.index, names.push(m[0].toLowerCase()) - 1);
  return { keywordHits: hits, names, present };
}

const _keywordCache = new WeakMap<SafetyPolicy, _KeywordIndex | null>();
const _scannerCache = new WeakMap<SafetyPolicy, LiteralScanner>();

/** The policy's keyword and gate-literal scanner (also for a policy without keywords). */
function _scanner(policy: SafetyPolicy): LiteralScanner {
  let s = _keywordIndex(policy)?.scanner ?? _scannerCache.get(policy);
  if (!s) _scannerCache.set(policy, s = _newScanner(policy, []));
  return s;
}

function _newScanner(policy: SafetyPolicy, keywords: string[]): LiteralScanner {
  const gates = new Set(policy.rules.flatMap((r) => r.detectors.flatMap((d) => DETECTOR_GATES[d] ?? [])));
  return new LiteralScanner(keywords, [...gates]);
}

/** Every rule's keywords as one case-insensitive regex, and which rules each keyword serves. */
function _keywordIndex(policy: SafetyPolicy) {
  let idx = _keywordCache.get(policy);
  if (idx === undefined) {
    const rules = new Map<string, SafetyRule[]>();
    const all = [...new Set(policy.rules.flatMap((r) => r.keywords))];
    // The regex reports the longest keyword at a position: it serves every rule whose keyword it
    // contains ("apikey" also serves a rule keyed on "key").
    for (const k of all) rules.set(k, policy.rules.filter((r) => r.keywords.some((x) => k.includes(x))));
    const keys = all.sort((a, b) => b.length - a.length);
    idx = keys.length
      ? {
        re: new RegExp(keys.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi"),
        rules,
        // The scanner takes ASCII keywords; a policy with others finds its keywords with the regex.
        scanner: _newScanner(policy, keys.every((k) => /^[\x20-\x7e]*$/.test(k)) ? keys : []),
      }
      : null;
    _keywordCache.set(policy, idx);
  }
  return idx;
}

const _allowCache = new WeakMap<RegExp, RegExp>();
function _test(re: RegExp, s: string): boolean {
  let plain = _allowCache.get(re);
  if (!plain) _allowCache.set(re, plain = new RegExp(re.source, re.flags.replace("g", "")));
  return plain.test(s);
}

const FILTER_SPAN = 4096;

function _keep(whole: _Candidate, policy: SafetyPolicy, allowLiterals: string[]): boolean {
  // Filters judge at most the first 4 KB of a match (a runaway match stays a match, and stays cheap).
  const c = whole.matched.length > FILTER_SPAN || whole.value.length > FILTER_SPAN
    ? { ...whole, matched: whole.matched.slice(0, FILTER_SPAN), value: whole.value.slice(0, FILTER_SPAN) }
    : whole;
  const rule = c.rule;
  const lowMatched = c.matched.toLowerCase(), lowValue = c.value.toLowerCase();
  if (allowLiterals.includes(lowMatched)) return false;
  if (policy.allow.patterns.some((re) => _test(re, c.matched))) return false;
  if (
    rule.allow.literals.some((l) => {
      const lit = normalizeLiteral(l);
      return lit === lowMatched || lit === lowValue;
    })
  ) return false;
  if (rule.allow.patterns.some((re) => _test(re, c.matched) || _test(re, c.value))) return false;
  if (rule.validate === "luhn" && !luhn(c.matched)) return false;
  if (rule.validate === "card" && !isCardNumber(c.matched)) return false;
  if (c.literal) return true;
  // A validator (luhn, card) is the stronger test: 4111 1111 1111 1111 is a card, not a placeholder.
  if (rule.skip_placeholders && !rule.validate && isPlaceholder(c.value)) return false;
  if (rule.min_entropy !== undefined && shannonEntropy(c.value) < rule.min_entropy) return false;
  return true;
}

/**
 * Finds every rule match (after allow entries, validators and filters) for a stage, without side
 * effects. Rules run on a normalised view of the text, on a view without line breaks (for matches
 * that cross one), and on decoded windows (base64, escapes, HTML entities, URL encoding); every
 * match is a span of the original text.
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
  const joined = _joinedWindows(text);
  // One pass for base64 runs (the decoder's, and those of rules with min_run) and one for literals.
  const runs = base64Runs(plain.text, 16);
  const segments = policy.decode ? decodedSegments(text, 2, plain.text === text ? runs : undefined) : [];
  const segViews = segments.map((seg) => ({ seg, view: normalizedView(seg.text) }));
  const { keywordHits, names, present } = _literals(policy, plain.text);
  const keywordWindows = _keywordWindows(plain.text, policy, keywordHits, names);
  const found: _Candidate[] = [];
  for (const rule of policy.rules) {
    if (!rule.applies_to.includes(stage)) continue;
    const own: _Candidate[] = [];
    // Patterns only near a keyword, or only around long base64-alphabet runs (min_run); literals and
    // detectors see the whole text.
    const windows = rule.keywords.length
      ? keywordWindows.get(rule) ?? []
      : rule.min_run !== undefined
      ? _runWindows(plain.text, runs, rule.min_run)
      : undefined;
    if (windows) {
      if (rule.literals.length || rule.detectors.length) {
        _scan(plain.text, { ...rule, patterns: [] }, (a, b) => originalSpan(plain, a, b), own, present);
      }
      const patternsOnly = { ...rule, literals: [], detectors: [] };
      for (const [wa, wb] of windows) {
        const text = plain.text.slice(wa, wb);
        _scan(text, patternsOnly, (a, b) => originalSpan(plain, a + wa, b + wa), own);
      }
    } else _scan(plain.text, rule, (a, b) => originalSpan(plain, a, b), own, present);
    found.push(...own);
    const overlapsOwn = (m: _Candidate) => own.some((o) => o.start < m.end && m.start < o.end);
    for (const w of joined) {
      if (!w.keys || !w.present) {
        // The window's keywords and gate literals, in one pass (once per window, for every rule).
        const { keywordHits, names, present } = _literals(policy, w.view.text);
        w.keys = new Set();
        for (let k = 1; k < keywordHits.length; k += 2) w.keys.add(names[keywordHits[k]!]!);
        w.present = present;
      }
      // Keyword rules only where a keyword is (the joined view can make one: "pass\nword").
      if (rule.keywords.length && !rule.keywords.some((k) => w.keys!.has(k))) continue;
      // The line-joined windows only add matches that cross a line break and
      // that no match within a line already covers.
      const across: _Candidate[] = [];
      _scan(
        w.view.text,
        rule,
        (a, b) => {
          const [sa, sb] = originalSpan(w.view, a, b);
          return [sa + w.offset, sb + w.offset];
        },
        across,
        w.present,
      );
      for (const m of across) {
        if (!/[\r\n]/.test(text.slice(m.start, m.end))) continue;
        if (overlapsOwn(m)) continue;
        found.push(m);
      }
    }
    for (const { seg, view } of segViews) {
      // A match in a decoded window counts only if it touches a decoded unit.
      const decoded: _Candidate[] = [];
      _scan(view.text, rule, (a, b) => {
        const [sa, sb] = originalSpan(view, a, b);
        let touched = false;
        for (let i = sa; i < sb && !touched; i++) touched = seg.decoded[i] === 1;
        return touched ? [seg.start[sa]!, seg.end[sb - 1]!] : null;
      }, decoded);
      for (const m of decoded) if (!own.some((o) => o.start === m.start && o.end === m.end)) found.push(m);
    }
  }
  const allowLiterals = policy.allow.literals.map(normalizeLiteral);
  const seen = new Set<string>();
  const out: SafetyMatch[] = [];
  for (const c of found) {
    const key = `${c.rule.id}:${c.start}:${c.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!_keep(c, policy, allowLiterals)) continue;
    out.push({ rule_id: c.rule.id, action: c.rule.action, severity: c.rule.severity, start: c.start, end: c.end });
  }
  const fallback = new Set(policy.rules.filter((r) => r.fallback).map((r) => r.id));
  if (fallback.size) {
    const firm = out.filter((m) => !fallback.has(m.rule_id));
    const kept = out.filter((m) => !fallback.has(m.rule_id) || !firm.some((f) => f.start < m.end && m.start < f.end));
    return kept.sort((a, b) => a.start - b.start || b.end - a.end);
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
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
  return _finish(text, findMatches(text, policy, options.stage), policy, options);
}

/** Logs the matches, runs the classifier, blocks or redacts. */
async function _finish(
  text: string,
  matches: SafetyMatch[],
  policy: SafetyPolicy,
  options: SanitizeOptions,
): Promise<SanitizeResult> {
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

/** Options of {@linkcode sanitizeStream}. */
export interface SanitizeStreamOptions extends SanitizeOptions {
  /**
   * Characters held back until more text arrives, so a secret split across chunks is still seen
   * whole (default 1024: the longest match of the default pack's patterns, a URL with credentials,
   * is bounded well below it). A token that runs past the hold-back is held until it ends.
   */
  holdBack?: number;
}

const CONTEXT = 64;

/**
 * Sanitizes text that arrives in chunks (generation, serving): yields the checked text as soon as it
 * is safe, holding back only the last `holdBack` characters (and any token or match that straddles
 * them), so a secret split across chunks is caught and nothing is emitted twice. A block throws
 * `SafetyViolation` after the text before it has been yielded.
 *
 * @example
 * ```ts
 * import { sanitizeStream } from "./sanitize.ts";
 * import { compilePolicy } from "./policy.ts";
 * const policy = compilePolicy({
 *   rules: [{ id: "gh", action: "redact", replacement: "[GH]", match: { patterns: ["ghp_[A-Za-z0-9]{36}"] } }],
 * });
 * const chunks = ["my token is ghp_wWPw5k4aXc", "aT4fNP0UcnZwJUVFk6LO0pINUx", " ok"];
 * let out = "";
 * for await (const piece of sanitizeStream(chunks, { stage: "output", policy, noLog: true, holdBack: 8 })) out += piece;
 * if (out !== "my token is [GH] ok") throw new Error(out);
 * ```
 */
export async function* sanitizeStream(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: SanitizeStreamOptions,
): AsyncGenerator<string> {
  const policy = await policyFor(options.policy);
  const hold = options.holdBack ?? 1024;
  let buf = "", ctx = "";
  const emit = async (final: boolean): Promise<string> => {
    const scan = ctx + buf;
    const matches = findMatches(scan, policy, options.stage)
      .filter((m) => m.end > ctx.length)
      .map((m) => ({ ...m, start: Math.max(0, m.start - ctx.length), end: m.end - ctx.length }));
    let cut = final ? buf.length : buf.length - hold;
    if (!final) {
      // Never cut inside a token (it may be a secret still arriving) or inside a match; a token
      // longer than eight hold-backs is cut anyway, so the buffer stays bounded.
      const ws = buf.slice(0, cut).search(/\s\S*$/);
      if (ws >= 0) cut = ws + 1;
      else if (buf.length < hold * 8) cut = 0;
      for (let moved = true; moved;) {
        moved = false;
        for (const m of matches) {
          if (m.start < cut && cut < m.end) {
            cut = m.start;
            moved = true;
          }
        }
      }
    }
    if (cut <= 0) return "";
    const piece = buf.slice(0, cut);
    const result = await _finish(piece, matches.filter((m) => m.end <= cut), policy, options);
    ctx = (ctx + piece).slice(-CONTEXT);
    buf = buf.slice(cut);
    return result.text;
  };
  for await (const chunk of chunks) {
    buf += chunk;
    if (buf.length > hold) {
      const out = await emit(false);
      if (out) yield out;
    }
  }
  const out = await emit(true);
  if (out) yield out;
}
