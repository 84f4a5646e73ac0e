import type Database from "better-sqlite3";
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
  /** null: nothing to enforce for this source (the fast path). */
  forSource(sourceId: string, now: number): SourceProtocols | null;
}

interface Entry {
  value: SourceProtocols | null;
  expires: number;
}

export function createProtocolsResolver(db: Database.Database, ttlMs = 1000): ProtocolsResolver {
  const sourceRow = db.prepare(SQL.sourceProtocols);
  const sameWorkspace = db.prepare(SQL.sourceInWorkspace);
  const planRow = db.prepare(SQL.planById);
  const filterRows = db.prepare(SQL.eventFilters);
  const cache = new Map<string, Entry>();
  const plans = new Map<string, CompiledPlan | null>();
  let seen = generation();

  function plan(id: string): CompiledPlan | null {
    const row = planRow.get(id) as { id: string; version: number; rules: string } | undefined;
    if (!row) return null;
    const key = `${row.id}@${row.version}`;
    if (plans.has(key)) return plans.get(key)!;
    let compiled: CompiledPlan | null = null;
    try {
      compiled = compilePlan(row.id, row.version, parseRules(row.rules));
    } catch (err) {
      // Saved plans were compiled when saved; one that no longer compiles enforces nothing.
      console.error(`[switchyard] tracking plan ${row.id} v${row.version} does not compile:`, err);
    }
    if (plans.size > 200) plans.clear();
    plans.set(key, compiled);
    return compiled;
  }

  function load(sourceId: string): SourceProtocols | null {
    const row = sourceRow.get(sourceId) as
      | { workspaceId: string; trackingPlanId: string | null; schemaConfig: string }
      | undefined;
    if (!row) return null;
    const compiled = row.trackingPlanId ? plan(row.trackingPlanId) : null;
    const eventFilters = new Map<string, EventFilterRule>();
    if (!compiled) {
      for (const f of filterRows.all(sourceId) as {
        id: string;
        kind: string;
        name: string;
        action: string;
      }[]) {
        if (f.action === "block" || f.action === "omit")
          eventFilters.set(`${f.kind}:${f.name}`, { id: f.id, action: f.action });
      }
    }
    if (!compiled && eventFilters.size === 0) return null;
    let config = schemaConfig.parse({});
    try {
      config = schemaConfig.parse(JSON.parse(row.schemaConfig || "{}"));
    } catch {
      // stored config is validated on save; fall back to "allow everything"
    }
    const target = config.forwardBlockedTo;
    const forwardTo = target && sameWorkspace.get(target, row.workspaceId) ? target : null;
    return { plan: compiled, config, eventFilters, forwardTo };
  }

  return {
    forSource(sourceId, now) {
      const g = generation();
      if (g !== seen) {
        cache.clear();
        seen = g;
      }
      const hit = cache.get(sourceId);
      if (hit && hit.expires > now) return hit.value;
      const value = load(sourceId);
      if (cache.size > 10_000) cache.clear();
      cache.set(sourceId, { value, expires: now + ttlMs });
      return value;
    },
  };
}
