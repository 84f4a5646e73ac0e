import { isIP } from "node:net";
import { compileGlob, type Glob, GlobError, MAX_GLOB_PATTERN_LENGTH } from "@/lib/filters/glob";

// What counts as personal data in a field. Built-in matchers look at a value's shape (every check
// is a single pass over at most MAX_VALUE_CHARS characters, no regular expression) or at the
// field's key name; custom matchers are owners' glob patterns (lib/filters/glob.ts, linear time,
// compiled once when the matcher set is built). Nothing here can be made slow by an event.

export type Classification = "red" | "yellow" | "green";
export const CLASSIFICATIONS: readonly Classification[] = ["red", "yellow", "green"];

export interface Finding {
  /** Stable id: "email", "credit_card", ... or "custom:<id>". */
  matcher: string;
  /** The class the matcher suggests. */
  suggested: Classification;
}

/** Longer strings are not values a matcher should look at (documents, blobs). */
export const MAX_VALUE_CHARS = 256;

export const BUILT_IN_MATCHERS = [
  { id: "email", label: "Email address", suggested: "red", by: "value" },
  { id: "phone", label: "Phone number", suggested: "red", by: "value" },
  { id: "credit_card", label: "Credit card number (Luhn-checked)", suggested: "red", by: "value" },
  { id: "us_ssn", label: "US Social Security number", suggested: "red", by: "value" },
  { id: "ip_address", label: "IP address", suggested: "yellow", by: "value" },
  { id: "name", label: "Person's name (key name)", suggested: "yellow", by: "key" },
  { id: "address", label: "Postal address (key name)", suggested: "yellow", by: "key" },
  { id: "secret", label: "Password or secret (key name)", suggested: "red", by: "key" },
] as const satisfies readonly { id: string; label: string; suggested: Classification; by: string }[];

export type BuiltInId = (typeof BUILT_IN_MATCHERS)[number]["id"];
const SUGGESTED = new Map<string, Classification>(BUILT_IN_MATCHERS.map((m) => [m.id, m.suggested]));

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** local@domain.tld: one @, a non-empty local part, a dotted domain of letters/digits/hyphens. */
export function isEmail(s: string): boolean {
  const at = s.indexOf("@");
  if (at < 1 || at !== s.lastIndexOf("@") || s.length > MAX_VALUE_CHARS) return false;
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (!(isAlnum(c) || "._%+-'".includes(s[i]!))) return false;
  }
  const domain = s.slice(at + 1);
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.startsWith("-") || label.endsWith("-")) return false;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (!(isAlnum(c) || c === 45 || c > 127)) return false;
    }
  }
  const tld = labels[labels.length - 1]!;
  return tld.length >= 2 && !/^\d+$/.test(tld);
}

/** Digits of a number written with spaces or dashes only; null for anything else. */
function groupedDigits(s: string, extra = ""): string | null {
  let digits = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits += s[i];
    else if (!(c === 32 || c === 45 || extra.includes(s[i]!))) return null;
  }
  return digits;
}

/** The Luhn checksum every payment card number carries. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** 13-19 digits, optionally grouped by spaces or dashes, Luhn-valid, not one repeated digit. */
export function isCreditCard(s: string): boolean {
  if (s.length > 40) return false;
  const digits = groupedDigits(s.trim());
  if (digits === null || digits.length < 13 || digits.length > 19) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return luhnValid(digits);
}

/** ddd-dd-dddd (or spaced) with the SSA's rules: no 000/666/9xx area, no 00 group, no 0000 serial. */
export function isUsSsn(s: string): boolean {
  const t = s.trim();
  if (t.length !== 11 || !(t[3] === t[6] && (t[3] === "-" || t[3] === " "))) return false;
  const area = t.slice(0, 3);
  const group = t.slice(4, 6);
  const serial = t.slice(7);
  if (!/^\d{3}$/.test(area) || !/^\d{2}$/.test(group) || !/^\d{4}$/.test(serial)) return false;
  return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" && serial !== "0000";
}

/**
 * A phone number as people write it: an optional leading +, digits with spaces, dashes, dots or
 * parentheses, 10-15 digits (E.164's maximum). Plain dates and times never match (too few digits
 * or other characters); a bare 10-digit string does, as phone numbers are often stored that way.
 */
export function isPhone(s: string): boolean {
  let t = s.trim();
  if (t.length < 10 || t.length > 24) return false;
  if (t.startsWith("+")) t = t.slice(1);
  const digits = groupedDigits(t, ".()");
  if (digits === null || digits.length < 10 || digits.length > 15) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return true;
}

export const isIpAddress = (s: string): boolean => s.length <= 45 && isIP(s) !== 0;

/** Key names, compared lowercase without "_", "-", "." or spaces. */
const NAME_KEYS = new Set([
  "name",
  "firstname",
  "lastname",
  "fullname",
  "surname",
  "givenname",
  "familyname",
  "middlename",
  "maidenname",
  "displayname",
]);
const ADDRESS_KEYS = new Set([
  "address",
  "street",
  "streetaddress",
  "address1",
  "address2",
  "addressline1",
  "addressline2",
  "postalcode",
  "postcode",
  "zip",
  "zipcode",
  "homeaddress",
  "billingaddress",
  "shippingaddress",
]);
const SECRET_PARTS = ["password", "passwd", "secret", "apikey", "accesstoken", "refreshtoken", "privatekey"];
const SECRET_KEYS = new Set(["pwd", "pin", "token", "authorization", "cvv", "cvc"]);

export function normalizeKey(key: string): string {
  let out = "";
  for (const ch of key.toLowerCase()) if (ch !== "_" && ch !== "-" && ch !== "." && ch !== " ") out += ch;
  return out;
}

/** Keys that name a person only directly in a user's traits (elsewhere: a product, library, page...). */
const BARE_NAME_KEYS = new Set(["name", "displayname"]);
const isTraitsPath = (path: string) => {
  const parent = path.slice(0, path.lastIndexOf("."));
  return parent === "traits" || parent === "context.traits";
};

/**
 * The built-in matcher a key name alone triggers, if any. Key names longer than 64 are ignored.
 * `path` (the whole field path) tells a user's `traits.name` from `context.library.name`.
 */
export function keyMatcher(key: string, path = ""): BuiltInId | null {
  if (key.length > 64) return null;
  const k = normalizeKey(key);
  if (SECRET_KEYS.has(k) || SECRET_PARTS.some((p) => k.includes(p))) return "secret";
  if (BARE_NAME_KEYS.has(k)) return path === "" || isTraitsPath(path) ? "name" : null;
  if (NAME_KEYS.has(k)) return "name";
  if (ADDRESS_KEYS.has(k)) return "address";
  return null;
}

/** The built-in matcher a string value triggers, if any (the most specific first). */
export function valueMatcher(value: string): BuiltInId | null {
  if (value.length < 7 || value.length > MAX_VALUE_CHARS) return null;
  if (value.includes("@")) return isEmail(value) ? "email" : null;
  if (isUsSsn(value)) return "us_ssn";
  if (isCreditCard(value)) return "credit_card";
  if (isPhone(value)) return "phone";
  if (isIpAddress(value)) return "ip_address";
  return null;
}

// ---- Custom matchers ----

export interface CustomMatcherDefinition {
  id: string;
  name: string;
  /** Globs over key names, compared lowercase (`*email*`, `tax_id`). */
  keyPatterns: string[];
  /** Globs over string values, case-sensitive (`ACCT-*`). */
  valuePatterns: string[];
  suggested: Classification;
  enabled: boolean;
}

export const MAX_PATTERNS_PER_MATCHER = 20;

interface CompiledCustom {
  id: string;
  suggested: Classification;
  keys: Glob[];
  values: Glob[];
}

/** Throws GlobError (worded for people) naming the bad pattern. */
export function validatePattern(pattern: string): void {
  if (pattern.length === 0) throw new GlobError("A pattern cannot be empty");
  if (pattern.length > MAX_GLOB_PATTERN_LENGTH)
    throw new GlobError(`A pattern is at most ${MAX_GLOB_PATTERN_LENGTH} characters`);
  compileGlob(pattern);
}

/** The matchers of one workspace, compiled once; a broken stored pattern is skipped, not thrown. */
export class MatcherSet {
  private readonly custom: CompiledCustom[] = [];

  constructor(definitions: readonly CustomMatcherDefinition[] = []) {
    for (const d of definitions) {
      if (!d.enabled) continue;
      const compile = (patterns: string[], lower: boolean) =>
        patterns.flatMap((p) => {
          try {
            return [compileGlob(lower ? p.toLowerCase() : p)];
          } catch {
            return [];
          }
        });
      this.custom.push({
        id: `custom:${d.id}`,
        suggested: d.suggested,
        keys: compile(d.keyPatterns, true),
        values: compile(d.valuePatterns, false),
      });
    }
  }

  /** What a field (its last key, its path and, for strings, its value) looks like, or null. */
  match(key: string, value: unknown, path = ""): Finding | null {
    const lowerKey = this.custom.length > 0 && key.length <= 64 ? key.toLowerCase() : "";
    const text = typeof value === "string" && value.length <= MAX_VALUE_CHARS ? value : null;
    for (const c of this.custom) {
      if ((lowerKey && c.keys.some((g) => g.test(lowerKey))) || (text && c.values.some((g) => g.test(text))))
        return { matcher: c.id, suggested: c.suggested };
    }
    const byKey = keyMatcher(key, path);
    if (byKey) return { matcher: byKey, suggested: SUGGESTED.get(byKey)! };
    if (text !== null) {
      const byValue = valueMatcher(text);
      if (byValue) return { matcher: byValue, suggested: SUGGESTED.get(byValue)! };
    }
    return null;
  }
}

/** A sample people may see: the shape kept, most characters hidden ("a••••@e••••••.com", "••••1111"). */
export function maskSample(value: unknown): string {
  if (typeof value !== "string") return value === null ? "null" : typeof value;
  const s = value.slice(0, 64);
  const at = s.indexOf("@");
  if (at > 0) {
    const domain = s.slice(at + 1);
    const dot = domain.lastIndexOf(".");
    const head = dot > 0 ? domain.slice(0, dot) : domain;
    const tail = dot > 0 ? domain.slice(dot) : "";
    return `${s[0]}${"•".repeat(Math.max(3, at - 1))}@${head[0] ?? ""}${"•".repeat(Math.max(3, head.length - 1))}${tail}`;
  }
  const keep = s.length >= 12 ? 4 : s.length >= 6 ? 2 : 0;
  return "•".repeat(Math.max(4, s.length - keep)) + s.slice(s.length - keep);
}

/** What read-only members see: nothing of the value, only its length class. */
export function fullyMasked(sample: string | null): string | null {
  return sample === null ? null : "•".repeat(Math.min(12, Math.max(4, sample.length)));
}
