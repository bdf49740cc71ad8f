/**
 * Detectors from well-kept libraries, named so a policy rule can use them
 * (`detector: secretlint/aws`): every rule of secretlint's recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`), run on a plain string with
 * a minimal rule context (no secretlint CLI or core), and phone numbers found
 * and validated by `libphonenumber-js`.
 *
 * @module
 */
import { rules as secretlintRules } from "@secretlint/secretlint-rule-preset-recommend";
import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js";
import type { CountryCode } from "libphonenumber-js";

/** A span a detector found, in the text it was given. */
export interface DetectorHit {
  start: number;
  end: number;
}

/** Finds spans in a text; pure and synchronous. */
export type Detector = (text: string) => DetectorHit[];

interface _RuleContext {
  report(d: { message: string; range: readonly [number, number] }): void;
  ignore(d: unknown): void;
  createTranslator(m: Record<string, { en: (p: unknown) => string }>): (k: string, p?: unknown) => string;
}

interface _RuleCreator {
  meta: { id: string };
  create(context: _RuleContext, options: Record<string, unknown>): Record<string, (source: unknown) => unknown>;
}

const TOKEN_CHAR = /[A-Za-z0-9+/=_-]/;

function _secretlintDetector(rule: _RuleCreator): Detector {
  return (text) => {
    const hits: DetectorHit[] = [];
    const context: _RuleContext = {
      report: (d) => hits.push({ start: d.range[0], end: d.range[1] }),
      ignore: () => {},
      createTranslator: (m) => (k, p) => m[k]?.en(p) ?? k,
    };
    const handlers = rule.create(context, {});
    const pending = handlers.file?.({ content: text, contentType: "text", filePath: undefined, ext: ".txt" });
    if (pending instanceof Promise) pending.catch(() => {}); // only file-based checks (p12) are asynchronous
    // Some rules report the span of the key = value pair rather than the value (secretlint-rule-aws reports
    // the start of `AWS_SECRET_ACCESS_KEY=` with the value's length): grow every span to the end of its
    // token, so a redaction never leaves part of the secret behind.
    for (const h of hits) {
      while (h.end < text.length && TOKEN_CHAR.test(text[h.end]!)) h.end++;
    }
    return hits;
  };
}

/** Phone numbers: a cheap scan for digit groups, then libphonenumber-js decides (valid for a region). */
const PHONE_CANDIDATE = /(?<![\w+])(?:\+\s?)?(?:\(\d{1,5}\)[ .-]?)?\d(?:[\d \t().\/-]{0,22})\d(?!\w)/g;
const NANP = /(?<!\d)(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\d)/g;
const NATIONAL_REGIONS: CountryCode[] = ["GB", "DE", "FR", "IN", "AU", "JP", "IT", "ES", "NL", "BR"];

function _phoneDetector(text: string): DetectorHit[] {
  const hits: DetectorHit[] = [];
  for (const m of text.matchAll(PHONE_CANDIDATE)) {
    const cand = m[0];
    const digits = cand.replace(/\D/g, "").length;
    if (digits < 7 || digits > 15 || !/\d\d/.test(cand)) continue;
    const base = m.index!;
    const formatted = /[ ().-]/.test(cand) || cand.startsWith("+");
    for (const f of findPhoneNumbersInText(cand, { defaultCountry: "US" })) {
      const part = cand.slice(f.startsAt, f.endsAt);
      // Written as a phone number (separators, a +): possible is enough ((555) 123-4567 is a
      // fictional but well-formed number); bare digit runs must be valid numbers.
      if (f.number.isValid() || (formatted && /[ ().-]/.test(part) && f.number.isPossible())) {
        hits.push({ start: base + f.startsAt, end: base + f.endsAt });
      }
    }
    if (hits.length && hits[hits.length - 1]!.start >= base) continue;
    if (!formatted) continue;
    // A well-formed North American number that the finder passed over ((555) 123-4567, 415.555.2671).
    let found = false;
    for (const n of cand.matchAll(NANP)) {
      if (parsePhoneNumberFromString(n[0], "US")?.isPossible()) {
        hits.push({ start: base + n.index!, end: base + n.index! + n[0].length });
        found = true;
      }
    }
    if (found) continue;
    // An international number written as one (+44 7700 900123, a drama-range number): possible is enough.
    if (cand.startsWith("+") && /\d[ .-]\d/.test(cand) && parsePhoneNumberFromString(cand)?.isPossible()) {
      hits.push({ start: base, end: base + cand.length });
      continue;
    }
    // National formats of other regions, with their trunk prefix 0 (020 7946 0958, (02) 9374 4000).
    if (/^\(?0\d/.test(cand)) {
      for (const region of NATIONAL_REGIONS) {
        if (parsePhoneNumberFromString(cand, region)?.isValid()) {
          hits.push({ start: base, end: base + cand.length });
          break;
        }
      }
    }
  }
  return hits;
}

// JWTs: two or three base64url segments whose first two decode to JSON objects.
const JWT =
  /(?<![\w-])eyJ[A-Za-z0-9_-]{4,4096}={0,2}\.eyJ[A-Za-z0-9_-]{2,16384}={0,2}(?:\.[A-Za-z0-9_-]{0,4096}={0,2})?/g;

const _jsonCache = new Map<string, boolean>();

function _jsonSegment(b64: string): boolean {
  let ok = _jsonCache.get(b64);
  if (ok === undefined) {
    ok = _decodesToObject(b64);
    if (_jsonCache.size > 4096) _jsonCache.clear();
    _jsonCache.set(b64, ok);
  }
  return ok;
}

function _decodesToObject(b64: string): boolean {
  try {
    let s = b64.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
    s += "=".repeat((4 - (s.length % 4)) % 4);
    const raw = atob(s);
    const json = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
    const v = JSON.parse(json);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}

function _jwtDetector(text: string): DetectorHit[] {
  const hits: DetectorHit[] = [];
  for (const m of text.matchAll(JWT)) {
    const [head, body] = m[0].split(".");
    if (_jsonSegment(head!) && _jsonSegment(body!)) hits.push({ start: m.index!, end: m.index! + m[0].length });
  }
  return hits;
}

/**
 * For each secretlint rule, literals one of which every text it reports on contains (each of its regexes
 * starts with or contains one, case-sensitively; read from the preset's source, 13.1.0): a text without
 * any of them cannot match, so the rule need not run. `gcp` reports only on `.json`/`.p12` files (never
 * here) and is left ungated.
 */
export const DETECTOR_GATES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  "secretlint/aws": ["SECRET", "secret", "Secret"],
  "secretlint/privatekey": ["-----BEGIN"],
  "secretlint/npm": ["npm_", ":x-oauth-basic@github"],
  "secretlint/basicauth": ["://"],
  "secretlint/slack": ["xoxb-", "xoxp-", "xapp-", "xoxa-", "xoxo-", "xoxr-", "://"],
  "secretlint/sendgrid": ["SG."],
  "secretlint/shopify": ["shppa_", "shpca_", "shpat_", "shpss_"],
  "secretlint/stripe": ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
  "secretlint/github": ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
  "secretlint/gitlab": ["glpat-"],
  "secretlint/grafana": ["glc_", "glsa_"],
  "secretlint/openai": ["T3BlbkFJ"],
  "secretlint/anthropic": ["sk-ant-api0"],
  "secretlint/groq": ["gsk_"],
  "secretlint/huggingface": ["hf_"],
  "secretlint/linear": ["lin_api_"],
  "secretlint/notion": ["ntn_"],
  "secretlint/1password": ["ops_ey"],
  "secretlint/database-connection-string": ["://"],
  "secretlint/hashicorp-vault": ["hvs.", "hvb.", "hvr."],
  "secretlint/vercel": ["vcp_", "vci_", "vca_", "vcr_", "vck_"],
  "secretlint/databricks": ["dapi"],
  "secretlint/docker": ["dckr_pat_"],
  "secretlint/figma": ["figd_"],
  "secretlint/cloudflare": ["cfk_", "cfut_", "cfat_"],
  "secretlint/tailscale": ["tskey-"],
  "codex/jwt": ["eyJ"],
});

function _shortName(id: string): string {
  return id.replace(/^@secretlint\/secretlint-rule-/, "");
}

/**
 * Every detector by name: `secretlint/<rule>` for each rule of the recommended preset (aws, gcp,
 * privatekey, npm, basicauth, slack, sendgrid, shopify, stripe, github, gitlab, grafana, openai,
 * anthropic, groq, huggingface, linear, notion, 1password, database-connection-string,
 * hashicorp-vault, vercel, databricks, docker, figma, cloudflare, tailscale),
 * `libphonenumber/phone`, and codex's own `codex/jwt` (a JWT whose header and claims decode to JSON).
 *
 * @example
 * ```ts
 * import { DETECTORS } from "./detectors.ts";
 * const text = "token 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, call (415) 555-2671";
 * const [gh] = DETECTORS["secretlint/github"]!(text);
 * const [phone] = DETECTORS["libphonenumber/phone"]!(text);
 * if (text.slice(gh!.start, gh!.end) !== "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") throw new Error("github");
 * if (text.slice(phone!.start, phone!.end) !== "(415) 555-2671") throw new Error("phone");
 * ```
 */
export const DETECTORS: Readonly<Record<string, Detector>> = Object.freeze({
  ...Object.fromEntries(
    (secretlintRules as unknown as _RuleCreator[])
      .filter((r) => r.meta.id !== "@secretlint/secretlint-rule-filter-comments")
      .map((r) => [`secretlint/${_shortName(r.meta.id)}`, _secretlintDetector(r)]),
  ),
  "libphonenumber/phone": _phoneDetector,
  "codex/jwt": _jwtDetector,
});
