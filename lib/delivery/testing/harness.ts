import type Database from "better-sqlite3";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { type DeliveryRunner, startDelivery } from "@/lib/delivery/runner";
import {
  insertDestination,
  insertWorkspaceAndSource,
  TEST_KEY,
  tempDb,
} from "@/lib/delivery/testing/fixtures";

// A runner on a fresh database with timeouts and backoff shortened so misbehaving-destination
// scenarios finish in a second or two.

export const FAST: Partial<DeliveryConfig> = {
  timeoutMs: 300,
  deadlineMs: 2000,
  backoffBaseMs: 20,
  backoffMaxMs: 100,
  pollMs: 10,
  flushMs: 10,
  routeIntervalMs: 1,
  allowPrivate: true,
  healthIntervalMs: 3_600_000,
  configRefreshMs: 50,
  replayIntervalMs: 50,
};

export interface Harness {
  db: Database.Database;
  file: string;
  workspaceId: string;
  sourceId: string;
  runner: DeliveryRunner | null;
  start(config?: Partial<DeliveryConfig>): DeliveryRunner;
  webhook(url: string, extra?: Record<string, unknown>, name?: string): string;
  close(): Promise<void>;
}

export function harness(): Harness {
  const { db, file } = tempDb();
  const { workspaceId, sourceId } = insertWorkspaceAndSource(db);
  const h: Harness = {
    db,
    file,
    workspaceId,
    sourceId,
    runner: null,
    start(config = {}) {
      h.runner = startDelivery({
        db,
        config: { ...FAST, ...config },
        encryptionKey: TEST_KEY,
        tap: null,
        startFrom: "beginning",
      });
      return h.runner;
    },
    webhook(url, extra = {}, name) {
      return insertDestination(db, {
        workspaceId,
        sourceIds: [sourceId],
        type: "webhook",
        name,
        settings: { url, ...extra },
      });
    },
    async close() {
      await h.runner?.stop({ graceMs: 50 });
      db.close();
    },
  };
  return h;
}
