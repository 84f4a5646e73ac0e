import { db } from "@/lib/db";
import { archiveReader } from "@/lib/ingest/archive-reader";

// Reads for the Functions page: recent runs, and sample events from a source's archive.

export async function recentRuns(functionId: string, onlyFailures: boolean) {
  const rows = await db.functionRun.findMany({
    where: { functionId, ...(onlyFailures ? { outcome: { notIn: ["ok", "drop"] } } : {}) },
    orderBy: { id: "desc" },
    take: 50,
  });
  return rows.map((r) => ({
    id: r.id,
    instanceId: r.instanceId,
    version: r.version,
    outcome: r.outcome,
    errorName: r.errorName,
    message: r.message,
    logs: JSON.parse(r.logs) as { level: string; message: string }[],
    input: r.input,
    durationMs: r.durationMs,
    at: new Date(Number(r.at)).toISOString(),
  }));
}

/** The newest accepted events of a source (what its debugger shows), newest first. */
export async function sampleEvents(sourceId: string, limit = 20) {
  return (await archiveReader().recent(sourceId, { limit: limit * 2 }))
    .filter((r) => r.status === "accepted")
    .slice(0, limit)
    .map((r) => ({
      seq: r.seq,
      type: r.type,
      event: r.event,
      receivedAt: new Date(r.receivedAt).toISOString(),
      message: JSON.parse(r.payload) as Record<string, unknown>,
    }));
}
