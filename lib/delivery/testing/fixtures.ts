import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { splitSecrets } from "@/lib/catalog";
import { seal } from "@/lib/crypto/secrets";
import { migrate } from "@/lib/db/migrate";
import { openSqlite } from "@/lib/db/sqlite";
import { enrichAccepted } from "@/lib/ingest/enrich";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";

// Delivery test and benchmark fixtures: a migrated SQLite file, rows inserted by SQL the way the
// console would (secrets sealed), and messages archived through the ingest's own enrichment and
// store, so the payloads have exactly the shape delivery sees in production.

/** A fixed 32-byte key: tests never touch data/secrets.json. */
export const TEST_KEY = Buffer.alloc(32, 7).toString("base64");

export function tempDb(prefix = "switchyard-delivery-"): { file: string; db: Database.Database } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), "test.db");
  const db = openSqlite(file);
  migrate(db, path.resolve(import.meta.dirname, "../../../prisma/migrations"));
  return { file, db };
}

let counter = 0;
const nextId = (p: string) => `${p}_${process.pid}_${++counter}`;
const iso = () => new Date().toISOString();

export function insertWorkspaceAndSource(db: Database.Database, environment = "prod") {
  const workspaceId = nextId("ws");
  const sourceId = nextId("src");
  db.prepare(`INSERT INTO "Workspace" ("id", "name", "slug", "createdAt") VALUES (?, ?, ?, ?)`).run(
    workspaceId,
    workspaceId,
    workspaceId,
    iso(),
  );
  db.prepare(
    `INSERT INTO "Source" ("id", "workspaceId", "name", "slug", "type", "environment", "enabled", "writeKeyHash",
      "writeKeyCipher", "writeKeyHint", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'node', ?, 1, ?, 'x', 'x', ?, ?)`,
  ).run(sourceId, workspaceId, sourceId, sourceId, environment, randomUUID(), iso(), iso());
  return { workspaceId, sourceId };
}

export interface TestDestination {
  workspaceId: string;
  sourceIds: string[];
  type: string;
  name?: string;
  /** Full settings; secret fields are sealed into secretsCipher like the console does. */
  settings: Record<string, unknown>;
  enabled?: boolean;
}

export function insertDestination(db: Database.Database, d: TestDestination): string {
  const id = nextId("dst");
  const split = splitSecrets(d.type, d.settings);
  const cipher = Object.keys(split.secrets).length ? seal(JSON.stringify(split.secrets), TEST_KEY) : null;
  db.prepare(
    `INSERT INTO "Destination" ("id", "workspaceId", "type", "name", "settings", "secretsCipher", "enabled", "createdAt",
      "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    d.workspaceId,
    d.type,
    d.name ?? id,
    JSON.stringify(split.public),
    cipher,
    d.enabled === false ? 0 : 1,
    iso(),
    iso(),
  );
  for (const sourceId of d.sourceIds)
    db.prepare(
      `INSERT INTO "DestinationSource" ("destinationId", "sourceId", "createdAt") VALUES (?, ?, ?)`,
    ).run(id, sourceId, iso());
  return id;
}

/** A workspace, a source and a webhook connected to it (what most engine tests start from). */
export function insertHookWithSource(db: Database.Database) {
  const where = insertWorkspaceAndSource(db);
  const dest = insertDestination(db, {
    ...where,
    sourceIds: [where.sourceId],
    type: "webhook",
    name: "Hook",
    settings: { url: "https://x.example/" },
  });
  return { where, dest };
}

export function insertFilter(
  db: Database.Database,
  f: {
    destinationId: string;
    condition: string;
    action: string;
    config?: unknown;
    position?: number;
    name?: string;
  },
): string {
  const id = nextId("flt");
  db.prepare(
    `INSERT INTO "Filter" ("id", "destinationId", "name", "condition", "action", "config", "enabled", "position",
      "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
  ).run(
    id,
    f.destinationId,
    f.name ?? id,
    f.condition,
    f.action,
    JSON.stringify(f.config ?? {}),
    f.position ?? 0,
    iso(),
    iso(),
  );
  return id;
}

/** Archives messages as the tracking API would (enriched, deduplicated by messageId); returns their seqs. */
export function archive(
  db: Database.Database,
  where: { workspaceId: string; sourceId: string },
  messages: Record<string, unknown>[],
  receivedAt = Date.now(),
): (number | null)[] {
  const rows = messages.map((m) => {
    const msg = { ...m };
    if (msg.messageId === undefined) msg.messageId = randomUUID();
    return enrichAccepted(msg, {
      ...where,
      receivedAt,
      receivedAtIso: new Date(receivedAt).toISOString(),
      ip: "203.0.113.9",
      endpointType: null,
    });
  });
  return new SqliteArchiveStore(db).appendSync(rows).seqs;
}

export const track = (event: string, extra: Record<string, unknown> = {}) => ({
  type: "track",
  event,
  userId: "user-12345",
  anonymousId: "anon-67890",
  properties: { plan: "pro" },
  ...extra,
});

export function outcomes(db: Database.Database, destinationId: string) {
  return db
    .prepare(`SELECT * FROM "DeliveryOutcome" WHERE "destinationId" = ? ORDER BY "seq"`)
    .all(destinationId) as {
    seq: number;
    messageId: string;
    status: string;
    attempts: number;
    latencyMs: number | null;
    httpStatus: number | null;
    errorType: string | null;
    errorMessage: string | null;
  }[];
}

export function countBy(rows: { status: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

/** Polls until check() is truthy (or throws after timeoutMs). */
export async function until<T>(
  check: () => T | null | undefined | false,
  timeoutMs = 10_000,
  stepMs = 20,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A probe for until(): the destination's outcomes once there are `n` and none is still retrying. */
export const settled = (db: Database.Database, destinationId: string, n: number) => () => {
  const rows = outcomes(db, destinationId);
  return rows.length === n && rows.every((r) => r.status !== "retrying") ? rows : null;
};
