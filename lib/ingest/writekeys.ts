import type Database from "better-sqlite3";
import type pg from "pg";
import { sha256 } from "@/lib/crypto/secrets";

// The one trust boundary of the tracking API: write key -> source. Keys are looked up by
// hash. Answers are cached for at most `ttlMs` (1 s) so a regenerated key or a disabled
// source takes effect within a second even without invalidateWriteKeyCache().

export interface SourceRef {
  id: string;
  workspaceId: string;
  enabled: boolean;
}

interface CacheEntry {
  source: SourceRef | null;
  expires: number;
}

const generationKey = Symbol.for("switchyard.writeKeyCacheGeneration");
type GlobalWithGeneration = typeof globalThis & { [generationKey]?: number };

/**
 * Drops every cached write-key answer, in every ingest of this process. The console calls it
 * after regenerating a key or enabling/disabling a source. Lives on globalThis because the
 * console (Next bundle) and the ingest (custom server) load separate copies of this module.
 */
export function invalidateWriteKeyCache(): void {
  const g = globalThis as GlobalWithGeneration;
  g[generationKey] = (g[generationKey] ?? 0) + 1;
}

const currentGeneration = () => (globalThis as GlobalWithGeneration)[generationKey] ?? 0;

const MAX_ENTRIES = 10_000;

export interface WriteKeyResolver {
  /**
   * The source for a write key, or null when the key is unknown. A cache hit (and every SQLite
   * lookup) answers synchronously; a PostgreSQL lookup answers with a promise.
   */
  resolve(writeKey: string, now: number): SourceRef | null | Promise<SourceRef | null>;
}

type SourceRow = { id: string; workspaceId: string; enabled: number | bigint | boolean };
const LOOKUP = `SELECT "id", "workspaceId", "enabled" FROM "Source" WHERE "writeKeyHash" = ?`;

export function createWriteKeyResolver(db: Database.Database, ttlMs = 1000): WriteKeyResolver {
  const lookup = db.prepare(LOOKUP);
  return cachedResolver((hash) => lookup.get(hash) as SourceRow | undefined, ttlMs);
}

/** The same resolver on PostgreSQL: a miss is one indexed query; concurrent misses share it. */
export function createPgWriteKeyResolver(pool: pg.Pool, ttlMs = 1000): WriteKeyResolver {
  const inFlight = new Map<string, Promise<SourceRow | undefined>>();
  return cachedResolver((hash) => {
    let p = inFlight.get(hash);
    if (!p) {
      p = pool
        .query<SourceRow>(LOOKUP.replace("?", "$1"), [hash])
        .then((r) => r.rows[0])
        .finally(() => inFlight.delete(hash));
      inFlight.set(hash, p);
    }
    return p;
  }, ttlMs);
}

function cachedResolver(
  lookup: (hash: string) => SourceRow | undefined | Promise<SourceRow | undefined>,
  ttlMs: number,
): WriteKeyResolver {
  const cache = new Map<string, CacheEntry>();
  let generation = currentGeneration();
  return {
    resolve(writeKey, now) {
      const g = currentGeneration();
      if (g !== generation) {
        cache.clear();
        generation = g;
      }
      const hit = cache.get(writeKey);
      if (hit && hit.expires > now) return hit.source;
      const remember = (row: SourceRow | undefined) => {
        const source = row
          ? { id: row.id, workspaceId: row.workspaceId, enabled: Boolean(Number(row.enabled)) }
          : null;
        // Unknown keys are cached too (briefly) so a misconfigured client cannot hammer the DB.
        if (cache.size >= MAX_ENTRIES) cache.clear();
        cache.set(writeKey, { source, expires: now + ttlMs });
        return source;
      };
      const row = lookup(sha256(writeKey));
      return row instanceof Promise ? row.then(remember) : remember(row);
    },
  };
}

/** The username of `Authorization: Basic base64(writeKey:)` (or the password if no username). */
export function writeKeyFromAuthorization(header: string | undefined): string | null {
  if (!header || header.length < 7 || header.slice(0, 6).toLowerCase() !== "basic ") return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const key = user || (colon < 0 ? "" : decoded.slice(colon + 1));
  return key === "" ? null : key;
}
