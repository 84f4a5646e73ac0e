import type Database from "better-sqlite3";
import type { FunctionKind } from "@/lib/functions/sandbox/types";

// Fixtures for tests and benchmarks: a deployed function and one instance, written through the
// driver like the delivery fixtures (lib/delivery/testing/fixtures.ts).

let counter = 0;

export function insertDeployedFunction(
  db: Database.Database,
  f: {
    workspaceId: string;
    kind: FunctionKind;
    code: string;
    destinationId?: string;
    settings?: Record<string, unknown>;
  },
): { functionId: string; instanceId: string } {
  const n = ++counter;
  const now = new Date().toISOString();
  const functionId = `fn_${process.pid}_${n}`;
  const instanceId = `fni_${process.pid}_${n}`;
  db.prepare(
    `INSERT INTO "Function" ("id", "workspaceId", "kind", "name", "code", "settings", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, '[]', ?, ?)`,
  ).run(functionId, f.workspaceId, f.kind, functionId, f.code, now, now);
  db.prepare(
    `INSERT INTO "FunctionVersion" ("id", "functionId", "version", "code", "settings", "deployedBy", "createdAt")
     VALUES (?, ?, 1, ?, '[]', 'bench', ?)`,
  ).run(`fnv_${process.pid}_${n}`, functionId, f.code, now);
  db.prepare(
    `INSERT INTO "FunctionInstance" ("id", "workspaceId", "functionId", "kind", "destinationId", "settings", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    instanceId,
    f.workspaceId,
    functionId,
    f.kind,
    f.destinationId ?? null,
    JSON.stringify(f.settings ?? {}),
    now,
    now,
  );
  return { functionId, instanceId };
}
