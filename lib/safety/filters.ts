/**
 * Filters against false positives, as detect-secrets and gitleaks use them:
 * placeholders and repeated characters, Shannon entropy, and card numbers
 * checked by Luhn plus issuer prefix and length.
 *
 * @module
 */
import { luhn } from "./normalize.ts";

/**
 * Shannon entropy of a string in bits per character.
 *
 * @example
 * ```ts
 * import { shannonEntropy } from "./filters.ts";
 * if (shannonEntropy("aaaa") !== 0 || shannonEntropy("abcd") !== 2) throw new Error("entropy");
 * ```
 */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

// Placeholder text anywhere in the value, and values that are a template as a whole.
const PLACEHOLDER =
  /x{4,}|\*{3,}|#{4,}|\.{3,}|…|fake|dummy|placeholder|change[_-]?me|redacted|\byour[_-]|\b(?:insert|replace)[_-]/i;
const TEMPLATE = /^(?:<[^<>]{1,40}>|\$\{[^}]{1,60}\}|\{\{[^}]{1,60}\}\}|%\(?\w*\)?s|\$[A-Za-z_]\w*|%[A-Z_]+%)$/;

/**
 * Whether a secret's value is a placeholder rather than a secret: a run of `x`, `*`, `#` or dots,
 * `<user>`, `${VAR}`, `{{var}}`, words such as your_token or changeme, a body that is mostly one
 * repeated character, or fewer than four distinct characters.
 *
 * @example
 * ```ts
 * import { isPlaceholder } from "./filters.ts";
 * const yes = ["ghp_" + "x".repeat(36), "<user>:<password>", "AIza" + "a".repeat(35), "${TOKEN}", "xoxb-000000000"];
 * const no = ["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", "hunter2!"];
 * if (!yes.every((s) => isPlaceholder(s)) || no.some((s) => isPlaceholder(s))) throw new Error("placeholders");
 * ```
 */
export function isPlaceholder(value: string, prefix = /^(?:[a-z]{2,8}[_-])+|^AIza|^AKIA|^eyJ/i): boolean {
  if (PLACEHOLDER.test(value)) return true;
  if (value.split(/[:@]/).some((part) => TEMPLATE.test(part))) return true;
  const body = value.replace(prefix, "");
  if (body.length < 4) return false;
  const counts = new Map<string, number>();
  for (const c of body) counts.set(c, (counts.get(c) ?? 0) + 1);
  const alnum = body.replace(/[^A-Za-z0-9]/g, "");
  if (alnum.length >= 8 && new Set(alnum).size < 4) return true;
  let run = 1, longest = 1;
  for (let i = 1; i < body.length; i++) {
    run = body[i] === body[i - 1] ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return longest >= 8 && longest >= body.length * 0.4;
}

// Issuer prefixes and lengths (IIN ranges) of the main card networks.
const CARD_ISSUERS: Array<[RegExp, number[]]> = [
  [/^4/, [13, 16, 19]], // Visa
  [/^(?:5[1-5]|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/, [16]], // Mastercard
  [/^3[47]/, [15]], // American Express
  [/^(?:6011|65|64[4-9]|622(?:1(?:2[6-9]|[3-9]\d)|[2-8]\d\d|9(?:[01]\d|2[0-5])))/, [16, 17, 18, 19]], // Discover
  [/^35(?:2[89]|[3-8]\d)/, [16, 17, 18, 19]], // JCB
  [/^3(?:0[0-5]|[689])/, [14, 15, 16, 17, 18, 19]], // Diners Club
  [/^62/, [16, 17, 18, 19]], // UnionPay
  [/^(?:5018|5020|5038|5893|6304|6759|676[1-3])/, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
  [/^220[0-4]/, [16, 17, 18, 19]], // Mir
];

/**
 * Whether digits form a payment card number: an issuer's prefix and length, and the Luhn check
 * (a millisecond timestamp that passes Luhn is not a card).
 *
 * @example
 * ```ts
 * import { isCardNumber } from "./filters.ts";
 * if (!isCardNumber("4111 1111 1111 1111") || !isCardNumber("378282246310005")) throw new Error("cards");
 * if (isCardNumber("1701234567893") || isCardNumber("4111 1111 1111 1112")) throw new Error("not cards");
 * ```
 */
export function isCardNumber(s: string): boolean {
  const digits = s.replace(/\D/g, "");
  if (!luhn(digits)) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return CARD_ISSUERS.some(([re, lengths]) => re.test(digits) && lengths.includes(digits.length));
}
