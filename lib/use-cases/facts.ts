import type { UseCase } from "@/lib/catalog/use-cases";
import { db } from "@/lib/db";
import type { Maybe } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import { get, perform, pluck, type Work } from "@/lib/db/work";
import { COUNT_CAP_DISPLAY } from "@/lib/use-cases/display";
import { nearMiss } from "@/lib/use-cases/near-miss";
import type { SetupFacts } from "@/lib/use-cases/progress";
import type { StoredSteps } from "@/lib/use-cases/schema";
import type { Arrival, DestinationBrief, Env, SetupRecord, SourceBrief } from "@/lib/use-cases/types";

// Reads what guided setup checks: the workspace's dev and prod sources, the destinations they feed,
// the suggested events in the ingest archive and the delivery outcomes per destination. Counts
// stop at COUNT_CAP so a busy prod source costs the same as a quiet one. The archive and outcome
// reads are database work (lib/db/work.ts): the wizard polls them, and on PostgreSQL they run on
// the asynchronous pool rather than stopping the event loop of an instance taking tracking calls.

export const COUNT_CAP = COUNT_CAP_DISPLAY;

/** Page and Screen calls are how the Spec records views; they count for the "… Viewed" events. */
const CALL_FOR_EVENT: Record<string, string> = { "Page Viewed": "page", "Screen Viewed": "screen" };

const SQL = {
  lastByEvent: `SELECT "receivedAt" FROM "Message" WHERE "sourceId" = ? AND "event" = ? AND "status" = 'accepted' ORDER BY "seq" DESC LIMIT 1`,
  countByEvent: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "Message" WHERE "sourceId" = ? AND "event" = ? AND "status" = 'accepted' LIMIT ${COUNT_CAP}) AS "x"`,
  lastByType: `SELECT "receivedAt" FROM "Message" WHERE "sourceId" = ? AND "type" = ? AND "status" = 'accepted' ORDER BY "seq" DESC LIMIT 1`,
  countByType: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "Message" WHERE "sourceId" = ? AND "type" = ? AND "status" = 'accepted' LIMIT ${COUNT_CAP}) AS "x"`,
  outcomes: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "status" = ? LIMIT ${COUNT_CAP}) AS "x"`,
} as const;

function* arrivalOn(sourceId: string, event: string): Work<Arrival | null> {
  const pairs: [keyof typeof SQL, keyof typeof SQL, string][] = [["lastByEvent", "countByEvent", event]];
  const call = CALL_FOR_EVENT[event];
  if (call) pairs.push(["lastByType", "countByType", call]);
  let best: Arrival | null = null;
  let count = 0;
  for (const [last, total, value] of pairs) {
    const row = yield* get<{ receivedAt: number | bigint }>(SQL[last], [sourceId, value]);
    if (!row) continue;
    count += Number((yield* pluck<number>(SQL[total], [sourceId, value])) ?? 0);
    const at = Number(row.receivedAt);
    if (!best || at > best.lastAt) best = { count: 0, lastAt: at, sourceId };
  }
  return best ? { ...best, count: Math.min(count, COUNT_CAP) } : null;
}

function* arrivalsWork(useCase: UseCase, sourceIds: string[]): Work<Record<string, Arrival>> {
  const out: Record<string, Arrival> = {};
  for (const { event } of useCase.events) {
    let total = 0;
    let newest: Arrival | null = null;
    for (const id of sourceIds) {
      const a = yield* arrivalOn(id, event);
      if (!a) continue;
      total += a.count;
      if (!newest || a.lastAt > newest.lastAt) newest = a;
    }
    if (newest) out[event] = { ...newest, count: Math.min(total, COUNT_CAP) };
  }
  return out;
}

/** The newest arrival of each suggested event across the given sources (off the loop on PostgreSQL). */
export function arrivals(
  useCase: UseCase,
  sourceIds: string[],
  conn = sqlite(),
): Maybe<Record<string, Arrival>> {
  return perform(conn, arrivalsWork(useCase, sourceIds));
}

/** Names compared per environment: the most recently seen first, a bounded number of them. */
const NEAR_MISS_CANDIDATES = 500;

/** For each suggested event not received: a track name the sources sent that looks like it. */
export async function nearMisses(
  useCase: UseCase,
  sourceIds: string[],
  received: Record<string, Arrival>,
): Promise<Record<string, string>> {
  const waiting = useCase.events.filter((e) => !received[e.event] && !CALL_FOR_EVENT[e.event]);
  if (!waiting.length || !sourceIds.length) return {};
  const rows = await db.schemaEntry.findMany({
    where: { sourceId: { in: sourceIds }, kind: "track" },
    select: { name: true },
    orderBy: { lastSeen: "desc" },
    take: NEAR_MISS_CANDIDATES,
  });
  const names = [...new Set(rows.map((r) => r.name))];
  const out: Record<string, string> = {};
  for (const { event } of waiting) {
    const guess = nearMiss(event, names);
    if (guess) out[event] = guess;
  }
  return out;
}

/** Delivered and not-delivered counts per destination (capped), and what each environment received. */
function* archiveFacts(useCase: UseCase, destinationIds: string[], sourceIds: Record<Env, string[]>) {
  const outcomes = new Map<string, { delivered: number; failed: number }>();
  for (const id of destinationIds)
    outcomes.set(id, {
      delivered: Number((yield* pluck<number>(SQL.outcomes, [id, "delivered"])) ?? 0),
      failed: Number((yield* pluck<number>(SQL.outcomes, [id, "not_delivered"])) ?? 0),
    });
  const received = {
    dev: yield* arrivalsWork(useCase, sourceIds.dev),
    prod: yield* arrivalsWork(useCase, sourceIds.prod),
  };
  return { outcomes, received };
}

export async function loadFacts(
  workspaceId: string,
  setup: SetupRecord,
  steps: StoredSteps,
  useCase: UseCase,
): Promise<SetupFacts> {
  const [sourceRows, destinationRows] = await Promise.all([
    db.source.findMany({
      where: { workspaceId, environment: { in: ["dev", "prod"] } },
      select: { id: true, name: true, type: true, enabled: true, environment: true },
      orderBy: { createdAt: "asc" },
    }),
    db.destination.findMany({
      where: { workspaceId },
      select: {
        id: true,
        name: true,
        type: true,
        enabled: true,
        sources: { select: { source: { select: { id: true, environment: true } } } },
      },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const sources: Record<Env, SourceBrief[]> = { dev: [], prod: [] };
  for (const s of sourceRows) {
    const env = s.environment as Env;
    sources[env].push({
      id: s.id,
      name: s.name,
      type: s.type,
      enabled: s.enabled,
      publishedFrom: steps.published.sources[s.id] ?? null,
    });
  }
  const ids = (env: Env) => sources[env].map((s) => s.id);
  const { outcomes, received } = await perform(
    sqlite(),
    archiveFacts(
      useCase,
      destinationRows.map((d) => d.id),
      { dev: ids("dev"), prod: ids("prod") },
    ),
  );
  const destinations: Record<Env, DestinationBrief[]> = { dev: [], prod: [] };
  for (const d of destinationRows) {
    const brief = (env: Env): DestinationBrief => ({
      id: d.id,
      name: d.name,
      type: d.type,
      enabled: d.enabled,
      sourceIds: d.sources.filter((s) => s.source.environment === env).map((s) => s.source.id),
      delivered: outcomes.get(d.id)?.delivered ?? 0,
      failed: outcomes.get(d.id)?.failed ?? 0,
      publishedFrom: steps.published.destinations[d.id] ?? null,
    });
    for (const env of ["dev", "prod"] as const)
      if (d.sources.some((s) => s.source.environment === env)) destinations[env].push(brief(env));
  }
  const [devMisses, prodMisses] = await Promise.all([
    nearMisses(useCase, ids("dev"), received.dev),
    nearMisses(useCase, ids("prod"), received.prod),
  ]);
  return {
    setup,
    useCase,
    sources,
    destinations,
    received,
    nearMisses: { dev: devMisses, prod: prodMisses },
  };
}
