import type Database from "better-sqlite3";
import { open } from "@/lib/crypto/secrets";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import type { Binding } from "@/lib/functions/runtime";
import type { FunctionKind } from "@/lib/functions/sandbox/types";
import { secretValuesOf } from "@/lib/functions/settings";

// Deployed instances with their latest version and decrypted settings, read straight from the
// database for the hot paths (the delivery engine may run in its own process without Prisma).
// Portable SQL only: the same queries run on PostgreSQL.

export interface BindingRow {
  id: string;
  workspaceId: string;
  functionId: string;
  kind: string;
  sourceId: string | null;
  destinationId: string | null;
  tokenHash: string | null;
  settings: string;
  secretsCipher: string | null;
  version: number;
  code: string;
}

const SELECT = `SELECT i."id", i."workspaceId", i."functionId", i."kind", i."sourceId", i."destinationId",
    i."tokenHash", i."settings", i."secretsCipher", v."version", v."code"
  FROM "FunctionInstance" i
  JOIN "FunctionVersion" v ON v."functionId" = i."functionId"
  WHERE v."version" = (SELECT MAX(w."version") FROM "FunctionVersion" w WHERE w."functionId" = i."functionId")`;

export interface SourceBinding extends Binding {
  sourceId: string;
  sourceEnabled: boolean;
}

function toBinding(row: BindingRow, encryptionKey: string): Binding {
  let secrets: Record<string, unknown> = {};
  if (row.secretsCipher)
    secrets = JSON.parse(open(row.secretsCipher, encryptionKey)) as Record<string, unknown>;
  const settings = { ...(JSON.parse(row.settings) as Record<string, unknown>), ...secrets };
  return {
    instanceId: row.id,
    functionId: row.functionId,
    workspaceId: row.workspaceId,
    kind: row.kind as FunctionKind,
    version: Number(row.version),
    code: row.code,
    settingsJson: JSON.stringify(settings),
    secrets: secretValuesOf(secrets),
  };
}

export interface DestinationBindings {
  destination?: Binding;
  insert?: Binding;
}

/** The deployed instances attached to destinations (rows for destinationBindings). */
export const DESTINATION_BINDINGS_SQL = `${SELECT} AND i."destinationId" IS NOT NULL`;

/** destinationId -> its destination function and/or insert function (DESTINATION_BINDINGS_SQL's rows). */
export function destinationBindings(rows: readonly BindingRow[], encryptionKey: string) {
  const out = new Map<string, DestinationBindings>();
  for (const row of rows) {
    let binding: Binding;
    try {
      binding = toBinding(row, encryptionKey);
    } catch (err) {
      console.error(`[switchyard] functions: settings of instance ${row.id} cannot be read:`, err);
      continue;
    }
    const entry = out.get(row.destinationId!) ?? {};
    if (row.kind === "insert") entry.insert = binding;
    else if (row.kind === "destination") entry.destination = binding;
    out.set(row.destinationId!, entry);
  }
  return out;
}

/**
 * The source function behind an inbound URL's token hash, or null. On PostgreSQL read off the
 * event loop (a promise; lib/db/off-loop.ts).
 */
export function loadSourceBinding(
  db: Database.Database,
  tokenHash: string,
  encryptionKey: string,
): Maybe<SourceBinding | null> {
  const row = readerFor(db).get<BindingRow & { sourceEnabled: number | boolean }>(
    `SELECT q.*, s."enabled" AS "sourceEnabled" FROM (${SELECT} AND i."tokenHash" = ?) q JOIN "Source" s ON s."id" = q."sourceId"`,
    [tokenHash],
  );
  return andThen(row, (r) =>
    r
      ? { ...toBinding(r, encryptionKey), sourceId: r.sourceId!, sourceEnabled: Boolean(r.sourceEnabled) }
      : null,
  );
}

/** Changes when an instance, its settings or its function's deployed version change. */
export const BINDINGS_FINGERPRINT = `(SELECT COUNT(*) FROM "FunctionInstance") AS i,
  (SELECT MAX("updatedAt") FROM "FunctionInstance") AS iu, (SELECT COUNT(*) FROM "FunctionVersion") AS v`;
