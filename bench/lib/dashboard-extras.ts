import type Database from "better-sqlite3";
import type { Generated } from "@/bench/lib/dashboard-generate";

// The rest of what a busy workspace has besides outcomes and rollups: failure samples (five per
// destination and error type, as the recorder keeps), messages waiting for a retry on the
// destination in trouble, and the health changes its incidents caused.

export function addExtras(
  db: Database.Database,
  g: Generated,
): { samples: number; jobs: number; healthEvents: number } {
  const types = db
    .prepare(
      `SELECT "destinationId", "errorType", MAX("finishedAt") AS "at", MAX("httpStatus") AS "httpStatus" FROM "DeliveryOutcome"
       WHERE "status" = 'not_delivered' AND "finishedAt" >= ? GROUP BY 1, 2`,
    )
    .all(g.end - 31 * 86_400_000) as {
    destinationId: string;
    errorType: string;
    at: number;
    httpStatus: number | null;
  }[];
  const sample = db.prepare(
    `INSERT INTO "DeliverySample" ("destinationId", "workspaceId", "errorType", "seq", "messageId", "at", "httpStatus",
       "errorMessage", "youSent", "request", "response") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let samples = 0;
  db.transaction(() => {
    for (const t of types)
      for (let i = 0; i < 5; i++) {
        const messageId = `sample-${samples}`;
        const youSent = {
          type: "track",
          event: "Order Completed",
          userId: `u-${i}`,
          messageId,
          properties: { total: 42.5 },
        };
        sample.run(
          t.destinationId,
          g.workspaceId,
          t.errorType,
          0,
          messageId,
          t.at - i * 60_000,
          t.httpStatus,
          `HTTP ${t.httpStatus ?? "-"}: failed`,
          JSON.stringify(youSent),
          JSON.stringify({
            method: "POST",
            url: "https://hooks.example.com/x",
            headers: { authorization: "[REDACTED]" },
            body: JSON.stringify(youSent),
          }),
          JSON.stringify({ status: t.httpStatus, headers: {}, body: '{"error":"failed"}' }),
        );
        samples++;
      }
  })();
  const job = db.prepare(
    `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event", "receivedAt",
       "attempts", "nextAttemptAt", "deadlineAt", "createdAt", "lastStatus", "lastErrorType", "lastError")
     VALUES (?, ?, 'src_bench_0', ?, ?, 'track', 'Order Completed', ?, 2, ?, ?, ?, 503, 'server_error', 'HTTP 503')`,
  );
  const troubled = g.destinations[4]!;
  db.transaction(() => {
    for (let i = 0; i < 250; i++)
      job.run(
        troubled,
        g.workspaceId,
        900_000_000 + i,
        `retry-${i}`,
        g.end - 60_000,
        g.end + 120_000,
        g.end + 3_600_000,
        g.end - 60_000,
      );
  })();
  const event = db.prepare(
    `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason") VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const changes: [string, string, string, number, string][] = [
    [
      g.destinations[4]!,
      "degraded",
      "healthy",
      g.end - 10 * 86_400_000 + 60_000,
      "31% of 412 attempts failed in the last 5 minutes",
    ],
    [
      g.destinations[4]!,
      "healthy",
      "degraded",
      g.end - 10 * 86_400_000 + 6 * 3_600_000 + 300_000,
      "No failures in the last 5 minutes",
    ],
    [
      g.destinations[2]!,
      "failing",
      "healthy",
      g.end - 2 * 86_400_000 + 14 * 3_600_000 + 60_000,
      "100% of 380 attempts failed in the last 5 minutes",
    ],
    [
      g.destinations[2]!,
      "healthy",
      "failing",
      g.end - 2 * 86_400_000 + 17 * 3_600_000 + 300_000,
      "No failures in the last 5 minutes",
    ],
  ];
  for (const [dest, state, previous, at, reason] of changes)
    event.run(dest, g.workspaceId, state, previous, at, reason);
  return { samples, jobs: 250, healthEvents: changes.length };
}
