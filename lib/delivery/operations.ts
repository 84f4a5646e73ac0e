import { z } from "zod";
import { sqlite } from "@/lib/db/sqlite";
import { perform } from "@/lib/db/work";
import { loadDeliveryConfig } from "@/lib/delivery/config";
import { controlOf, type DiscardResult, discardJobs, pausedSet } from "@/lib/delivery/control";
import { ERROR_TYPES } from "@/lib/delivery/errors";
import { type ReplayView, replayCancelled, replayStarted, replaysOf } from "@/lib/delivery/replay-runs";
import { AppError, notFound } from "@/lib/errors";
import type { DeliveryControlView } from "@/lib/metrics/types";

// What the console's pause / resume / discard / replay routes call (the routes parse, authorize and audit).

export const discardInput = z
  .object({
    errorType: z
      .string()
      .max(64)
      .refine((t) => t in ERROR_TYPES, { message: "Unknown error type" })
      .optional(),
  })
  .strict();
export type DiscardInput = z.infer<typeof discardInput>;

// The console's reads and writes here run as database work (lib/db/work.ts): off the event loop
// on PostgreSQL, so a click or a poll never stops the instance that also takes tracking calls.

export async function pauseDelivery(
  d: { id: string; workspaceId: string },
  paused: boolean,
  by: string,
  now = Date.now(),
): Promise<DeliveryControlView> {
  return perform(sqlite(), pausedSet({ destinationId: d.id, workspaceId: d.workspaceId }, paused, by, now));
}

export async function deliveryControl(destinationId: string): Promise<DeliveryControlView> {
  return perform(sqlite(), controlOf(destinationId));
}

export function discardQueued(
  destinationId: string,
  input: DiscardInput,
  by: string,
): Promise<DiscardResult> {
  return discardJobs(sqlite(), destinationId, Date.now(), { errorType: input.errorType, by });
}

const instant = (label: string) =>
  z.iso.datetime({ offset: true, error: `The ${label} must be a date and time (ISO 8601)` });

export const replayInput = z
  .object({
    sourceIds: z.array(z.string().min(1).max(64)).min(1, "Choose at least one source").max(100),
    from: instant("start"),
    to: instant("end"),
  })
  .strict()
  .transform((r) => ({
    sourceIds: [...new Set(r.sourceIds)],
    fromMs: Date.parse(r.from),
    toMs: Date.parse(r.to),
  }))
  .refine((r) => r.fromMs < r.toMs, { message: "The start must be before the end", path: ["to"] });
export type ReplayInput = z.input<typeof replayInput>;

/** What the replay form needs: the retention that bounds the window. */
export function replayLimits(now = Date.now()) {
  const retentionMs = loadDeliveryConfig().outcomeRetentionMs;
  return {
    retentionDays: retentionMs / 86_400_000,
    earliest: new Date(now - retentionMs).toISOString(),
    ratePerSecond: loadDeliveryConfig().replayRate,
  };
}

export async function createReplay(
  d: { id: string; workspaceId: string; connectedSourceIds: string[] },
  input: z.output<typeof replayInput>,
  by: string,
): Promise<ReplayView> {
  const unknown = input.sourceIds.filter((id) => !d.connectedSourceIds.includes(id));
  if (unknown.length)
    throw new AppError("bad_request", "Replay only from sources connected to this destination", [
      { path: "sourceIds", message: `Not connected: ${unknown.join(", ")}` },
    ]);
  return perform(
    sqlite(),
    replayStarted(
      { workspaceId: d.workspaceId, destinationId: d.id, ...input, createdBy: by },
      { now: Date.now(), retentionMs: loadDeliveryConfig().outcomeRetentionMs },
    ),
  );
}

export async function replays(destinationId: string): Promise<ReplayView[]> {
  return perform(sqlite(), replaysOf(destinationId));
}

export async function cancel(destinationId: string, replayId: number): Promise<ReplayView> {
  const r = await perform(sqlite(), replayCancelled(destinationId, replayId, Date.now()));
  if (!r) throw notFound("Replay not found");
  return r;
}
