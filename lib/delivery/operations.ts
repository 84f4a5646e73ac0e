import { z } from "zod";
import { sqlite } from "@/lib/db/sqlite";
import { type DiscardResult, discardJobs, readControl, setPaused } from "@/lib/delivery/control";
import { ERROR_TYPES } from "@/lib/delivery/errors";
import type { DeliveryControlView } from "@/lib/metrics/types";

// What the console's pause / resume / discard routes call (the routes parse, authorize and audit).

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

export function pauseDelivery(
  d: { id: string; workspaceId: string },
  paused: boolean,
  by: string,
  now = Date.now(),
): DeliveryControlView {
  return setPaused(sqlite(), { destinationId: d.id, workspaceId: d.workspaceId }, paused, by, now);
}

export function deliveryControl(destinationId: string): DeliveryControlView {
  return readControl(sqlite(), destinationId);
}

export function discardQueued(destinationId: string, input: DiscardInput, by: string): DiscardResult {
  return discardJobs(sqlite(), destinationId, Date.now(), { errorType: input.errorType, by });
}
