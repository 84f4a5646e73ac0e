import type Database from "better-sqlite3";
import { RollupBatch } from "@/lib/delivery/rollups";
import { DAY, MINUTE } from "@/lib/metrics/period";
import { heavyTailLatency, seeded } from "@/lib/metrics/testing/history";

// Delivery history for the dashboard benchmark, written straight into a migrated database: every
// outcome is a real DeliveryOutcome row, and the per-minute DeliveryRollup rows are built from the
// same loop with the delivery engine's own RollupBatch (so rollups and outcomes agree exactly, as
// in production). Traffic follows a day/night curve; destinations differ in volume (Zipf-like);
// two have incidents (a 3-hour credentials outage, a 6-hour partial server failure).

export interface Shape {
  total: number;
  days: number;
  destinations: number;
  sources: number;
  seed: number;
}

export interface Generated {
  end: number;
  workspaceId: string;
  slug: string;
  userId: string;
  destinations: string[];
  byStatus: Record<string, number>;
  rollupRows: number;
  seconds: number;
}

const NOW_ISO = () => new Date().toISOString().replace("Z", "+00:00");
const EVENTS = ["Order Completed", "Product Viewed", "Signed Up", "Checkout Started", "Page Viewed"];
const BASELINE_ERRORS = [
  { errorType: "server_error", httpStatus: 502 },
  { errorType: "server_error", httpStatus: 503 },
  { errorType: "timeout", httpStatus: null },
  { errorType: "bad_request", httpStatus: 400 },
  { errorType: "rate_limited", httpStatus: 429 },
] as const;

function entities(db: Database.Database, shape: Shape) {
  const now = NOW_ISO();
  const workspaceId = "ws_bench";
  db.prepare(
    `INSERT INTO "Workspace" ("id", "name", "slug", "createdAt") VALUES (?, 'Bench', 'bench', ?)`,
  ).run(workspaceId, now);
  db.prepare(
    `INSERT INTO "User" ("id", "email", "name", "createdAt") VALUES ('usr_bench', 'bench@switchyard.local', 'Bench', ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO "Membership" ("id", "userId", "workspaceId", "role", "createdAt") VALUES ('mem_bench', 'usr_bench', ?, 'owner', ?)`,
  ).run(workspaceId, now);
  const sources = Array.from({ length: shape.sources }, (_, i) => `src_bench_${i}`);
  for (const id of sources)
    db.prepare(
      `INSERT INTO "Source" ("id", "workspaceId", "name", "slug", "type", "environment", "enabled", "writeKeyHash",
         "writeKeyCipher", "writeKeyHint", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'javascript', 'prod', 1, ?, 'x', 'x', ?, ?)`,
    ).run(id, workspaceId, `Site ${id.slice(-1)}`, id, `hash-${id}`, now, now);
  const destinations = Array.from(
    { length: shape.destinations },
    (_, i) => `dst_bench_${String(i).padStart(2, "0")}`,
  );
  destinations.forEach((id, i) => {
    db.prepare(
      `INSERT INTO "Destination" ("id", "workspaceId", "type", "name", "settings", "enabled", "createdAt", "updatedAt")
       VALUES (?, ?, 'webhook', ?, ?, 0, ?, ?)`,
    ).run(
      id,
      workspaceId,
      `Hook ${String(i + 1).padStart(2, "0")}`,
      JSON.stringify({ url: `https://hooks.example.com/${i}` }),
      now,
      now,
    );
    for (const s of [sources[i % sources.length]!, sources[(i + 1) % sources.length]!])
      db.prepare(
        `INSERT INTO "DestinationSource" ("destinationId", "sourceId", "createdAt") VALUES (?, ?, ?)`,
      ).run(id, s, now);
  });
  return { workspaceId, sources, destinations };
}

export function generate(db: Database.Database, shape: Shape, end: number): Generated {
  const started = Date.now();
  const random = seeded(shape.seed);
  const { workspaceId, sources, destinations } = entities(db, shape);
  const weights = destinations.map((_, i) => 1 / Math.sqrt(i + 1));
  const cumulative: number[] = [];
  for (const w of weights) cumulative.push((cumulative[cumulative.length - 1] ?? 0) + w);
  const totalWeight = cumulative[cumulative.length - 1]!;
  const start = Math.floor((end - shape.days * DAY) / MINUTE) * MINUTE;
  const minutes = (end - start) / MINUTE;
  const diurnal = (t: number) => 1 + 0.6 * Math.sin(((t % DAY) / DAY) * 2 * Math.PI - Math.PI / 2);
  const scale =
    shape.total /
    Array.from({ length: minutes }, (_, m) => diurnal(start + m * MINUTE)).reduce((a, b) => a + b, 0);
  const outage = {
    dest: destinations[2]!,
    from: end - 2 * DAY + 14 * 3_600_000,
    to: end - 2 * DAY + 17 * 3_600_000,
  };
  const partial = { dest: destinations[4]!, from: end - 10 * DAY, to: end - 10 * DAY + 6 * 3_600_000 };
  const insert = db.prepare(
    `INSERT INTO "DeliveryOutcome" ("destinationId", "seq", "workspaceId", "sourceId", "messageId", "type", "event", "status",
       "attempts", "receivedAt", "finishedAt", "latencyMs", "httpStatus", "errorType", "errorMessage")
     VALUES (?, ?, ?, ?, ?, 'track', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byStatus: Record<string, number> = {
    delivered: 0,
    not_delivered: 0,
    filtered: 0,
    unsupported: 0,
    retried: 0,
  };
  let seq = 0;
  let carry = 0;
  for (let m0 = 0; m0 < minutes; m0 += 60) {
    const rollups = new RollupBatch();
    db.transaction(() => {
      for (let m = m0; m < Math.min(minutes, m0 + 60); m++) {
        const minute = start + m * MINUTE;
        carry += diurnal(minute) * scale;
        const n = Math.floor(carry);
        carry -= n;
        for (let k = 0; k < n; k++) {
          const r = random() * totalWeight;
          let d = 0;
          while (cumulative[d]! < r) d++;
          const dest = destinations[d]!;
          const sourceId = random() < 0.5 ? sources[d % sources.length]! : sources[(d + 1) % sources.length]!;
          const receivedAt = minute + Math.floor(random() * MINUTE);
          const key = { destinationId: dest, sourceId, workspaceId };
          const roll = random();
          let latency = heavyTailLatency(random, 120);
          let attempts = 1;
          if (random() < 0.03) {
            rollups.add(key, receivedAt + 5, "retried");
            byStatus.retried!++;
            attempts = 2;
            latency += 1000;
          }
          const at = receivedAt + latency;
          const inOutage = dest === outage.dest && receivedAt >= outage.from && receivedAt < outage.to;
          const inPartial = dest === partial.dest && receivedAt >= partial.from && receivedAt < partial.to;
          let row: [string, number, number | null, number | null, string | null, string | null];
          if (inOutage || (inPartial && roll < 0.3) || roll < 0.015) {
            const e = inOutage
              ? { errorType: "unauthorized", httpStatus: 401 }
              : inPartial
                ? { errorType: "server_error", httpStatus: 500 }
                : BASELINE_ERRORS[Math.floor(random() * BASELINE_ERRORS.length)]!;
            row = [
              "not_delivered",
              at,
              null,
              e.httpStatus,
              e.errorType,
              `HTTP ${e.httpStatus ?? "-"}: failed`,
            ];
            rollups.add(key, at, "notDelivered");
          } else if (roll < 0.045) {
            row = ["filtered", receivedAt + 3, null, null, "destination_filter", "Dropped by a filter"];
            attempts = 0;
            rollups.add(key, receivedAt + 3, "filtered");
          } else if (roll < 0.055) {
            row = ["unsupported", receivedAt + 3, null, null, "unsupported_type", "Not supported"];
            attempts = 0;
            rollups.add(key, receivedAt + 3, "unsupported");
          } else {
            row = ["delivered", at, latency, 200, null, null];
            rollups.add(key, at, "delivered", latency);
          }
          byStatus[row[0]]!++;
          seq++;
          const [status, finishedAt, latencyMs, httpStatus, errorType, errorMessage] = row;
          insert.run(
            dest,
            seq,
            workspaceId,
            sourceId,
            `m-${seq}`,
            EVENTS[seq % EVENTS.length]!,
            status,
            attempts,
            receivedAt,
            finishedAt,
            latencyMs,
            httpStatus,
            errorType,
            errorMessage,
          );
        }
      }
      rollups.write(db);
    })();
  }
  const rollupRows = db.prepare(`SELECT COUNT(*) FROM "DeliveryRollup"`).pluck().get() as number;
  return {
    end,
    workspaceId,
    slug: "bench",
    userId: "usr_bench",
    destinations,
    byStatus,
    rollupRows,
    seconds: (Date.now() - started) / 1000,
  };
}
