import { z } from "zod";
import { db } from "@/lib/db";

// Reading the audit log: newest first, keyset pagination on (createdAt, id) so pages stay stable
// while new events arrive. The cursor is opaque to clients.

export const auditQuery = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((c, ctx) => {
      if (!c) return undefined;
      const decoded = decodeCursor(c);
      if (!decoded)
        ctx.addIssue({ code: "custom", message: "Invalid cursor: use nextCursor from the previous page" });
      return decoded ?? undefined;
    }),
  limit: z.coerce.number().int("Use a whole number").min(1).max(100, "At most 100 per page").default(50),
  action: z.string().trim().max(100).optional(),
});

export interface AuditEventView {
  id: string;
  at: string;
  actor: { id: string | null; email: string; name: string | null };
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
}

export function encodeCursor(e: { createdAt: Date; id: string }) {
  return Buffer.from(`${e.createdAt.getTime()}.${e.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [ms, id] = Buffer.from(cursor, "base64url").toString().split(".");
  const at = new Date(Number(ms));
  return id && ms && Number.isFinite(at.getTime()) ? { at, id } : null;
}

function parseSummary(summary: string): { before?: unknown; after?: unknown } {
  try {
    return JSON.parse(summary) as { before?: unknown; after?: unknown };
  } catch {
    return {};
  }
}

export async function listAuditEvents(workspaceId: string, query: z.output<typeof auditQuery>) {
  const { cursor, limit, action } = query;
  const rows = await db.auditEvent.findMany({
    where: {
      workspaceId,
      ...(action ? { action: { startsWith: action } } : {}),
      ...(cursor
        ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const actorIds = [...new Set(page.map((r) => r.actorId).filter((id): id is string => Boolean(id)))];
  const users = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name]));
  const events: AuditEventView[] = page.map((r) => {
    const { before, after } = parseSummary(r.summary);
    return {
      id: r.id,
      at: r.createdAt.toISOString(),
      actor: { id: r.actorId, email: r.actorEmail, name: (r.actorId && names.get(r.actorId)) || null },
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      targetName: r.targetName,
      before: before ?? null,
      after: after ?? null,
    };
  });
  const last = page.at(-1);
  return { events, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
