import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { sqlite } from "@/lib/db/sqlite";
import { notFound } from "@/lib/errors";
import { BUILT_IN_MATCHERS, fullyMasked } from "@/lib/privacy/matchers";
import type { DeletionInput, DestinationPrivacyInput, FieldInput, MatcherInput } from "@/lib/privacy/schema";
import { type PurgeCounts, purgeUser } from "@/lib/privacy/sql";
import { requireUniqueName } from "@/lib/validation/unique-name";
import { DeletionIncomplete, deleteFromWarehouses } from "@/lib/warehouses/deletion";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// The Privacy page's reads and writes. Settings go through Prisma; the deletion purge through the
// raw SQL of lib/privacy/sql.ts (chunked transactions over the hot tables). The router and the
// ingest pick every change up within a second (fingerprint / TTL), nothing to notify.

const ms = () => BigInt(Date.now());
const num = (v: bigint | null) => (v === null ? null : Number(v));
const list = (text: string): string[] => {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as string[]) : [];
  } catch {
    return [];
  }
};

/** Later stores (warehouses) register here so a deletion request reaches them too. */
export type DeletionHook = (req: {
  workspaceId: string;
  idType: "userId" | "anonymousId";
  idValue: string;
}) => Promise<number> | number;
const hooks = new Map<string, DeletionHook>();
export function registerDeletionHook(name: string, hook: DeletionHook): void {
  hooks.set(name, hook);
}
// The warehouses' rows of the user (lib/warehouses/deletion.ts).
registerDeletionHook("warehouses", (req) => deleteFromWarehouses(sqlite(), req));

export async function privacyOverview(access: WorkspaceAccess) {
  const workspaceId = access.workspace.id;
  const owner = access.can("privacy.write");
  const [fields, matchers, destinations, sources, deletions, suppressions] = await Promise.all([
    db.privacyField.findMany({
      where: { workspaceId },
      orderBy: [{ lastSeen: "desc" }, { path: "asc" }],
      take: 1000,
    }),
    db.privacyMatcher.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } }),
    db.destination.findMany({
      where: { workspaceId },
      select: { id: true, name: true, type: true, enabled: true },
      orderBy: { name: "asc" },
    }),
    db.source.findMany({
      where: { workspaceId },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    db.privacyDeletion.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, take: 100 }),
    db.privacySuppression.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, take: 500 }),
  ]);
  const destIds = destinations.map((d) => d.id);
  const srcIds = sources.map((s) => s.id);
  const [destRules, srcRules] = await Promise.all([
    db.privacyDestination.findMany({ where: { destinationId: { in: destIds } } }),
    db.privacySource.findMany({ where: { sourceId: { in: srcIds } } }),
  ]);
  const ruleOf = new Map(destRules.map((r) => [r.destinationId, r]));
  const srcRuleOf = new Map(srcRules.map((r) => [r.sourceId, r]));
  const sourceName = new Map(sources.map((s) => [s.id, s.name]));
  return {
    canWrite: owner,
    builtInMatchers: BUILT_IN_MATCHERS,
    fields: fields.map((f) => ({
      path: f.path,
      matcher: f.matcher,
      suggested: f.suggested,
      classification: f.classification,
      blockAtIngest: f.blockAtIngest,
      sources: list(f.sources).map((id) => ({ id, name: sourceName.get(id) ?? "(deleted source)" })),
      firstSeen: num(f.firstSeen),
      lastSeen: num(f.lastSeen),
      // Stored masked; read-only members see not even the shape.
      sample: owner ? f.sample : fullyMasked(f.sample),
    })),
    matchers: matchers.map((m) => ({
      id: m.id,
      name: m.name,
      keyPatterns: list(m.keyPatterns),
      valuePatterns: list(m.valuePatterns),
      suggested: m.suggested,
      enabled: m.enabled,
    })),
    destinations: destinations.map((d) => ({
      ...d,
      policy: ruleOf.get(d.id)?.policy ?? "all",
      consentCategories: list(ruleOf.get(d.id)?.consentCategories ?? "[]"),
    })),
    sources: sources.map((s) => ({ ...s, withoutConsent: srcRuleOf.get(s.id)?.withoutConsent ?? "deliver" })),
    deletions: deletions.map(deletionView),
    suppressions: suppressions.map((s) => ({
      userId: s.userId,
      createdBy: s.createdBy,
      createdAt: num(s.createdAt),
    })),
  };
}

type DeletionRow = Awaited<ReturnType<typeof db.privacyDeletion.findFirstOrThrow>>;
function deletionView(d: DeletionRow) {
  return {
    id: d.id,
    idType: d.idType,
    idValue: d.idValue,
    suppress: d.suppress,
    status: d.status,
    counts: JSON.parse(d.counts) as Record<string, number>,
    error: d.error,
    requestedBy: d.requestedBy,
    createdAt: num(d.createdAt),
    finishedAt: num(d.finishedAt),
  };
}

export async function classifyField(access: WorkspaceAccess, input: FieldInput) {
  const workspaceId = access.workspace.id;
  const before = await db.privacyField.findUnique({
    where: { workspaceId_path: { workspaceId, path: input.path } },
  });
  const now = ms();
  const row = await db.privacyField.upsert({
    where: { workspaceId_path: { workspaceId, path: input.path } },
    update: { classification: input.classification, blockAtIngest: input.blockAtIngest, updatedAt: now },
    create: {
      workspaceId,
      path: input.path,
      matcher: "manual",
      suggested: input.classification,
      classification: input.classification,
      blockAtIngest: input.blockAtIngest,
      firstSeen: now,
      lastSeen: now,
      updatedAt: now,
    },
  });
  await audit(access, {
    action: "privacy.field_classified",
    targetType: "privacy_field",
    targetId: row.path,
    targetName: row.path,
    before: before
      ? { classification: before.classification, blockAtIngest: before.blockAtIngest }
      : undefined,
    after: { classification: row.classification, blockAtIngest: row.blockAtIngest },
  });
  return { path: row.path, classification: row.classification, blockAtIngest: row.blockAtIngest };
}

export async function createMatcher(access: WorkspaceAccess, input: MatcherInput) {
  await requireUniqueName("matcher", input.name, () =>
    db.privacyMatcher.findMany({
      where: { workspaceId: access.workspace.id },
      select: { id: true, name: true },
    }),
  );
  const m = await db.privacyMatcher.create({
    data: {
      workspaceId: access.workspace.id,
      name: input.name,
      keyPatterns: JSON.stringify(input.keyPatterns),
      valuePatterns: JSON.stringify(input.valuePatterns),
      suggested: input.suggested,
      enabled: input.enabled,
      updatedAt: ms(),
    },
  });
  await audit(access, {
    action: "privacy.matcher_created",
    targetType: "privacy_matcher",
    targetId: m.id,
    targetName: m.name,
    after: input,
  });
  return { id: m.id, ...input };
}

async function findMatcher(access: WorkspaceAccess, id: string) {
  const m = await db.privacyMatcher.findFirst({ where: { id, workspaceId: access.workspace.id } });
  if (!m) throw notFound("Matcher not found");
  return m;
}

export async function setMatcherEnabled(access: WorkspaceAccess, id: string, enabled: boolean) {
  const m = await findMatcher(access, id);
  await db.privacyMatcher.update({ where: { id: m.id }, data: { enabled, updatedAt: ms() } });
  await audit(access, {
    action: "privacy.matcher_updated",
    targetType: "privacy_matcher",
    targetId: m.id,
    targetName: m.name,
    before: { enabled: m.enabled },
    after: { enabled },
  });
  return { id: m.id, enabled };
}

export async function deleteMatcher(access: WorkspaceAccess, id: string) {
  const m = await findMatcher(access, id);
  await db.privacyMatcher.delete({ where: { id: m.id } });
  await audit(access, {
    action: "privacy.matcher_deleted",
    targetType: "privacy_matcher",
    targetId: m.id,
    targetName: m.name,
  });
}

export async function setDestinationPrivacy(
  access: WorkspaceAccess,
  destinationId: string,
  input: DestinationPrivacyInput,
) {
  const workspaceId = access.workspace.id;
  const dest = await db.destination.findFirst({
    where: { id: destinationId, workspaceId },
    select: { id: true, name: true },
  });
  if (!dest) throw notFound("Destination not found");
  const before = await db.privacyDestination.findUnique({ where: { destinationId } });
  const data = {
    policy: input.policy,
    consentCategories: JSON.stringify(input.consentCategories),
    updatedAt: ms(),
  };
  await db.privacyDestination.upsert({
    where: { destinationId },
    update: data,
    create: { destinationId, workspaceId, ...data },
  });
  await audit(access, {
    action: "privacy.destination_updated",
    targetType: "destination",
    targetId: dest.id,
    targetName: dest.name,
    before: before ? { policy: before.policy, consentCategories: list(before.consentCategories) } : undefined,
    after: input,
  });
  return { destinationId, ...input };
}

export async function setSourcePrivacy(
  access: WorkspaceAccess,
  sourceId: string,
  withoutConsent: "deliver" | "hold",
) {
  const workspaceId = access.workspace.id;
  const src = await db.source.findFirst({
    where: { id: sourceId, workspaceId },
    select: { id: true, name: true },
  });
  if (!src) throw notFound("Source not found");
  const data = { withoutConsent, updatedAt: ms() };
  await db.privacySource.upsert({
    where: { sourceId },
    update: data,
    create: { sourceId, workspaceId, ...data },
  });
  await audit(access, {
    action: "privacy.source_consent_updated",
    targetType: "source",
    targetId: src.id,
    targetName: src.name,
    after: { withoutConsent },
  });
  return { sourceId, withoutConsent };
}

async function suppress(access: WorkspaceAccess, userId: string, on: boolean) {
  const workspaceId = access.workspace.id;
  if (on) {
    await db.privacySuppression.upsert({
      where: { workspaceId_userId: { workspaceId, userId } },
      update: {},
      create: { workspaceId, userId, createdBy: access.user.email, createdAt: ms() },
    });
  } else {
    await db.privacySuppression.deleteMany({ where: { workspaceId, userId } });
  }
}

export async function setSuppression(access: WorkspaceAccess, userId: string, suppressed: boolean) {
  await suppress(access, userId, suppressed);
  await audit(access, {
    action: suppressed ? "privacy.user_suppressed" : "privacy.user_unsuppressed",
    targetType: "user",
    targetName: userId,
  });
  return { userId, suppressed };
}

/**
 * Records the request, suppresses first (so nothing new arrives while the purge runs), purges
 * every store, then marks it completed with the counts (or failed with the reason).
 */
export async function requestDeletion(access: WorkspaceAccess, input: DeletionInput) {
  const workspaceId = access.workspace.id;
  const row = await db.privacyDeletion.create({
    data: {
      workspaceId,
      idType: input.idType,
      idValue: input.idValue,
      suppress: input.suppress,
      status: "running",
      requestedBy: access.user.email,
      createdAt: ms(),
    },
  });
  if (input.suppress) await suppress(access, input.idValue, true);
  let counts: PurgeCounts & Record<string, number>;
  let error: string | null = null;
  try {
    counts = (await purgeUser(sqlite(), workspaceId, input.idType, input.idValue)) as PurgeCounts &
      Record<string, number>;
  } catch (err) {
    console.error("[switchyard] deletion request failed:", err);
    error = "The purge stopped before the end; request the deletion again to finish it";
    counts = {} as PurgeCounts & Record<string, number>;
  }
  // Later stores (warehouses): one that cannot be reached fails the request by name; the counts of
  // what was deleted stay, and a repeated request deletes only what is still there.
  if (!error)
    for (const [name, hook] of hooks) {
      try {
        counts[name] = await hook({ workspaceId, ...input });
      } catch (err) {
        console.error(`[switchyard] deletion request: ${name} failed:`, (err as Error).message);
        if (err instanceof DeletionIncomplete) counts[name] = err.removed;
        const reason = err instanceof Error ? err.message : String(err);
        error = `${error ? `${error}; ` : ""}Not deleted from ${reason}. Request the deletion again once it can be reached`;
      }
    }
  const done = await db.privacyDeletion.update({
    where: { id: row.id },
    data: { status: error ? "failed" : "completed", counts: JSON.stringify(counts), error, finishedAt: ms() },
  });
  await audit(access, {
    action: "privacy.deletion_requested",
    targetType: "privacy_deletion",
    targetId: row.id,
    targetName: `${input.idType} ${input.idValue}`,
    after: { ...input, status: done.status, counts },
  });
  return deletionView(done);
}
