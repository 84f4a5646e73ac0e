import type { ArchiveStore } from "@/lib/ingest/store";

// Archive retention: an hourly, unref'd timer deletes messages older than `retentionDays`
// (their dedup keys go with them), in small chunks with a turn of the event loop between them
// so ingest keeps flowing during a large first prune.

const HOUR = 60 * 60 * 1000;
const CHUNK = 2000;

export interface PruneResult {
  messages: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drain(
  prune: (cutoff: number, max: number) => number | Promise<number>,
  cutoff: number,
  stopped: () => boolean,
): Promise<number> {
  let total = 0;
  while (!stopped()) {
    const deleted = await prune(cutoff, CHUNK);
    total += deleted;
    if (deleted === 0) break;
    await nextTurn();
  }
  return total;
}

export async function pruneArchive(
  store: ArchiveStore,
  retentionDays: number,
  now = Date.now(),
  stopped: () => boolean = () => false,
  beforePrune?: (cutoff: number) => unknown,
): Promise<PruneResult> {
  // Warehouses that have not loaded these messages yet count them as missed (lib/warehouses).
  await beforePrune?.(now - retentionDays * 24 * HOUR);
  const messages = await drain((c, m) => store.prune(c, m), now - retentionDays * 24 * HOUR, stopped);
  return { messages };
}

export interface RetentionTimer {
  stop(): Promise<void>;
}

export function startRetention(
  store: ArchiveStore,
  retentionDays: number,
  firstRunMs = 30_000,
  beforePrune?: (cutoff: number) => unknown,
  /** False when another process of the installation prunes (lib/db/lease.ts). */
  mayRun: () => boolean = () => true,
): RetentionTimer {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    if (stopped || !mayRun()) return;
    running = pruneArchive(store, retentionDays, Date.now(), () => stopped, beforePrune).catch((err) => {
      console.error("[switchyard] archive prune failed:", err);
    });
  };
  const first = setTimeout(run, firstRunMs);
  const hourly = setInterval(run, HOUR);
  first.unref();
  hourly.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(hourly);
      await running;
    },
  };
}
