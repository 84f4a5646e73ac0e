import type { Classification } from "@/lib/privacy/matchers";

// Per-destination privacy rules for the router, read with raw SQL like the rest of the routing
// table (the runner may live in its own process). A policy turns the workspace's classified
// fields into the list of paths this destination must not receive.

export const POLICIES = ["all", "no_red", "only_green"] as const;
export type Policy = (typeof POLICIES)[number];

export const POLICY_LABELS: Record<Policy, string> = {
  all: "All data",
  no_red: "No Red data",
  only_green: "Only Green data (no Red, no Yellow)",
};

export type WithoutConsent = "deliver" | "hold";

export interface PrivacyRule {
  policy: Policy;
  /** Paths (split) removed before delivery. */
  remove: string[][];
  /** Consent categories every event must grant; empty: no consent check. */
  consentCategories: string[];
  /** Sources whose events without consent preferences are held back. */
  holdWithoutConsent: ReadonlySet<string>;
}

/** What a policy removes, given a field's class. Unclassified fields are never removed. */
export function blockedBy(policy: Policy, classification: Classification): boolean {
  if (policy === "all") return false;
  if (policy === "no_red") return classification === "red";
  return classification === "red" || classification === "yellow";
}

const parseList = (text: string): string[] => {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

/** What the router reads to build the rules (the queries of ROUTER_READS, answered). */
export interface PrivacyRows {
  privacyFields: { workspaceId: string; path: string; classification: string }[];
  privacyDestinations: { destinationId: string; policy: string; consentCategories: string }[];
  privacySources: { sourceId: string; withoutConsent: string }[];
}

/** destinationId -> its rule, for destinations of `workspaceOf` that have any privacy setting. */
export function privacyRules(
  rows: PrivacyRows,
  workspaceOf: (destinationId: string) => string | undefined,
): Map<string, PrivacyRule> {
  const byWorkspace = new Map<string, { path: string; classification: Classification }[]>();
  for (const f of rows.privacyFields) {
    const list = byWorkspace.get(f.workspaceId) ?? [];
    list.push({ path: f.path, classification: f.classification as Classification });
    byWorkspace.set(f.workspaceId, list);
  }
  const hold = new Set(rows.privacySources.filter((r) => r.withoutConsent === "hold").map((r) => r.sourceId));
  const rules = new Map<string, PrivacyRule>();
  for (const row of rows.privacyDestinations) {
    const workspaceId = workspaceOf(row.destinationId);
    if (!workspaceId) continue;
    const policy = (POLICIES as readonly string[]).includes(row.policy) ? (row.policy as Policy) : "all";
    rules.set(row.destinationId, {
      policy,
      remove: (byWorkspace.get(workspaceId) ?? [])
        .filter((f) => blockedBy(policy, f.classification))
        .map((f) => f.path.split(".")),
      consentCategories: parseList(row.consentCategories),
      holdWithoutConsent: hold,
    });
  }
  return rules;
}

export const PRIVACY_FINGERPRINT = `(SELECT COUNT(*) FROM "PrivacyField" WHERE "classification" IS NOT NULL) AS pf,
  (SELECT MAX("updatedAt") FROM "PrivacyField" WHERE "classification" IS NOT NULL) AS pfu,
  (SELECT COUNT(*) FROM "PrivacyDestination") AS pd, (SELECT MAX("updatedAt") FROM "PrivacyDestination") AS pdu,
  (SELECT COUNT(*) FROM "PrivacySource") AS ps, (SELECT MAX("updatedAt") FROM "PrivacySource") AS psu`;

/** The consent decision for one event and one destination's categories (Segment's rule: all must be granted). */
export function consentDecision(
  message: Record<string, unknown>,
  categories: readonly string[],
  holdWithoutConsent: boolean,
): { ok: true } | { ok: false; reason: string } {
  if (categories.length === 0) return { ok: true };
  const context = message.context;
  const consent =
    typeof context === "object" && context !== null
      ? (context as Record<string, unknown>).consent
      : undefined;
  const prefs =
    typeof consent === "object" && consent !== null
      ? (consent as Record<string, unknown>).categoryPreferences
      : undefined;
  if (typeof prefs !== "object" || prefs === null || Array.isArray(prefs)) {
    return holdWithoutConsent
      ? {
          ok: false,
          reason:
            "No consent: the event has no context.consent.categoryPreferences and its source holds such events back",
        }
      : { ok: true };
  }
  const granted = prefs as Record<string, unknown>;
  const denied = categories.filter((c) => granted[c] !== true);
  if (denied.length === 0) return { ok: true };
  return {
    ok: false,
    reason: `No consent for ${denied.map((c) => `"${c}"`).join(", ")} (the destination needs ${categories.map((c) => `"${c}"`).join(", ")})`,
  };
}
