import { all, type Work } from "@/lib/db/work";
import type { CurrentHealth } from "@/lib/delivery/health";

// A warehouse's health badge, from its syncs rather than per-message deliveries: failing when the
// last finished sync failed, degraded when retention pruned messages before they were loaded.

export function* warehouseHealth(workspaceId: string): Work<Map<string, CurrentHealth>> {
  const rows = yield* all<{
    destinationId: string;
    missed: number;
    status: string | null;
    finishedAt: number | bigint | null;
    error: string | null;
  }>(
    `SELECT s."destinationId", s."missed", r."status", r."finishedAt", r."error" FROM "WarehouseState" s
      LEFT JOIN "WarehouseSyncRun" r ON r."id" = (SELECT MAX(x."id") FROM "WarehouseSyncRun" x
        WHERE x."destinationId" = s."destinationId" AND x."status" IN ('succeeded', 'failed'))
      WHERE s."workspaceId" = ?`,
    [workspaceId],
  );
  const out = new Map<string, CurrentHealth>();
  for (const r of rows) {
    const since = r.finishedAt === null ? null : Number(r.finishedAt);
    if (r.status === "failed")
      out.set(r.destinationId, {
        state: "failing",
        since,
        reason: `Last sync failed: ${r.error ?? "unknown error"}`,
      });
    else if (r.missed > 0)
      out.set(r.destinationId, {
        state: "degraded",
        since,
        reason: `${r.missed} messages left the archive (retention) before this warehouse loaded them`,
      });
  }
  return out;
}
