import type Database from "better-sqlite3";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import { type EventFilterRule, type SourceProtocols, schemaConfig } from "@/lib/protocols/enforcement";
import { type CompiledPlan, compilePlan, parseRules } from "@/lib/protocols/plan";
import { SQL } from "@/lib/protocols/sql.cjs";

// Ingest's view of each source's tracking plan, Schema Configuration and schema event filters.
// Cached per source for at most `ttlMs` (1 s, like write keys) and dropped at once when the
// console changes something (invalidateProtocols, same process); plans are compiled once per
// (plan, version) and shared by every source connected to them.

const generationKey = Symbol.for("switchyard.protocolsGeneration");
type G = typeof globalThis & { [generationKey]?: number };

/** The console calls this after changing a plan, a source's enforcement or its schema filters. */
export function invalidateProtocols(): void {
  const g = globalThis as G;
  g[generationKey] = (g[generationKey] ?? 0) + 1;
}
const generation = () => (globalThis as G)[generationKey] ?? 0;

export interface ProtocolsResolver {
  /**
   * null: nothing to enforce for this source (the fast path). A cached answer (and every SQLite
   * read) comes at once; on PostgreSQL an expired one comes as a promise of the re-read.
   */
  forSource(sourceId: string, now: number): Maybe<SourceProtocols | null>;
}

interface Entry {
  value: SourceProtocols | null;
  expires: number;
}

type SourceRead = { workspaceId: string; trackingPlanId: string | null; schemaConfig: string };
type FilterRead = { id: string; kind: string; name: string; action: string };

export function createProtocolsResolver(db: Database.Database, ttlMs = 1000): ProtocolsResolver {
  const read = readerFor(db);
  const cache = new Map<string, Entry>();
  const loading = new Map<string, Promise<SourceProtocols | null>>();
  const plans = new Map<string, CompiledPlan | null>();
  let seen = generation();

  function compiled(row: { id: string; version: number; rules: string } | undefined): CompiledPlan | null {
    if (!row) return null;
    const key = `${row.id}@${row.version}`;
    if (plans.has(key)) return plans.get(key)!;
    let plan: CompiledPlan | null = null;
    try {
      plan = compilePlan(row.id, row.version, parseRules(row.rules));
    } catch (err) {
      // Saved plans were compiled when saved; one that no longer compiles enforces nothing.
      console.error(`[switchyard] tracking plan ${row.id} v${row.version} does not compile:`, err);
    }
    if (plans.size > 200) plans.clear();
    plans.set(key, plan);
    return plan;
  }

  /** The source's row, then its plan or its event filters, then where blocked events go. */
  function load(sourceId: string): Maybe<SourceProtocols | null> {
    return andThen(read.get<SourceRead>(SQL.sourceProtocols, [sourceId]), (row) => {
      if (!row) return null;
      const plan = row.trackingPlanId
        ? andThen(
            read.get<{ id: string; version: number; rules: string }>(SQL.planById, [row.trackingPlanId]),
            compiled,
          )
        : null;
      return andThen(plan, (plan) =>
        andThen(plan ? [] : read.all<FilterRead>(SQL.eventFilters, [sourceId]), (filters) => {
          const eventFilters = new Map<string, EventFilterRule>();
          for (const f of filters)
            if (f.action === "block" || f.action === "omit")
              eventFilters.set(`${f.kind}:${f.name}`, { id: f.id, action: f.action });
          if (!plan && eventFilters.size === 0) return null;
          let config = schemaConfig.parse({});
          try {
            config = schemaConfig.parse(JSON.parse(row.schemaConfig || "{}"));
          } catch {
            // stored config is validated on save; fall back to "allow everything"
          }
          const target = config.forwardBlockedTo;
          const same = target ? read.get(SQL.sourceInWorkspace, [target, row.workspaceId]) : undefined;
          return andThen(same, (found) => ({
            plan,
            config,
            eventFilters,
            forwardTo: target && found ? target : null,
          }));
        }),
      );
    });
  }

  return {
    forSource(sourceId, now) {
      const g = generation();
      if (g !== seen) {
        cache.clear();
        loading.clear();
        seen = g;
      }
      const hit = cache.get(sourceId);
      if (hit && hit.expires > now) return hit.value;
      const inFlight = loading.get(sourceId);
      if (inFlight) return inFlight;
      const remember = (value: SourceProtocols | null) => {
        // A read started before the console changed something answers its request, but is not kept.
        if (generation() === g) {
          if (cache.size > 10_000) cache.clear();
          cache.set(sourceId, { value, expires: now + ttlMs });
        }
        return value;
      };
      const value = load(sourceId);
      if (!(value instanceof Promise)) return remember(value);
      const pending = value.then(remember).finally(() => {
        if (loading.get(sourceId) === pending) loading.delete(sourceId);
      });
      loading.set(sourceId, pending);
      return pending;
    },
  };
}
