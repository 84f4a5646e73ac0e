import fs from "node:fs";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { sha256 } from "@/lib/crypto/secrets";
import { migrate } from "@/lib/db/migrate";
import { openSqlite } from "@/lib/db/sqlite";
import { createIngest, type Ingest, type IngestOptions } from "@/lib/ingest/http";
import { createHardenedServer, HTTP_TIMEOUTS, type HttpTimeouts } from "@/lib/ingest/http-server";
import type { ArchivedRow } from "@/lib/ingest/store";

// Test and benchmark fixtures: a real SQLite file in a temp dir, migrated, with sources
// inserted by raw SQL, and the ingest behind a real HTTP server on an ephemeral port.

export function tempDbFile(prefix = "switchyard-ingest-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return path.join(dir, "test.db");
}

/** Deletes a database made by tempDbFile, with its WAL and directory. */
export function removeDbFile(file: string): void {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

export function openMigrated(file: string): Database.Database {
  const db = openSqlite(file);
  migrate(db, path.resolve(import.meta.dirname, "../../../prisma/migrations"));
  return db;
}

export interface TestSource {
  id: string;
  workspaceId: string;
  writeKey: string;
}

let counter = 0;

export function insertSource(
  db: Database.Database,
  opts: { workspaceId?: string; enabled?: boolean; writeKey?: string } = {},
): TestSource {
  counter++;
  const now = new Date().toISOString();
  const workspaceId = opts.workspaceId ?? `ws_${process.pid}_${counter}`;
  db.prepare(
    `INSERT INTO "Workspace" ("id", "name", "slug", "createdAt") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(workspaceId, workspaceId, workspaceId, now);
  const id = `src_${process.pid}_${counter}`;
  const writeKey =
    opts.writeKey ?? `wk_test_${process.pid}_${counter}_${Math.random().toString(36).slice(2)}`;
  db.prepare(
    `INSERT INTO "Source" ("id", "workspaceId", "name", "slug", "type", "environment", "enabled", "writeKeyHash",
      "writeKeyCipher", "writeKeyHint", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'javascript', 'prod', ?, ?, 'x', 'x', ?, ?)`,
  ).run(id, workspaceId, id, id, opts.enabled === false ? 0 : 1, sha256(writeKey), now, now);
  return { id, workspaceId, writeKey };
}

export interface TestServer {
  url: string;
  ingest: Ingest;
  server: http.Server;
  close(): Promise<void>;
}

export async function startIngestServer(
  options: IngestOptions,
  timeouts: HttpTimeouts = HTTP_TIMEOUTS,
): Promise<TestServer> {
  const ingest = createIngest(options);
  // The product's server options and parser-error answers (scripts/server.ts uses the same).
  const server = createHardenedServer((req, res) => {
    if (ingest.matches(req.url)) return ingest.handle(req, res);
    res.writeHead(404).end("not ingest");
  }, timeouts);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ingest,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ingest.close();
    },
  };
}

export const basicAuth = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;

export interface IngestHarness {
  db: Database.Database;
  source: TestSource;
  srv: TestServer;
  url: string;
  close(): Promise<void>;
}

/** A migrated temp database with one enabled source, and the ingest on an ephemeral port. */
export async function setupIngest(
  options: Partial<IngestOptions> = {},
  timeouts?: HttpTimeouts,
): Promise<IngestHarness> {
  const file = tempDbFile();
  const db = openMigrated(file);
  const source = insertSource(db);
  const srv = await startIngestServer({ db, publicUrl: "http://localhost:3000", ...options }, timeouts);
  return {
    db,
    source,
    srv,
    url: srv.url,
    async close() {
      await srv.close();
      db.close();
      removeDbFile(file);
    },
  };
}

/** Archived rows of a source, oldest first, payload parsed. */
export function archived(db: Database.Database, sourceId: string) {
  const rows = db
    .prepare(`SELECT * FROM "Message" WHERE "sourceId" = ? ORDER BY "seq"`)
    .all(sourceId) as ArchivedRow[];
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into arbitrary stored JSON
  return rows.map((r) => ({ ...r, message: JSON.parse(r.payload) as Record<string, any> }));
}
