import { z } from "zod";

// The console's retry request, shared by the route handler, the client hook and the tests.

const MAX_WINDOW_MS = 90 * 86_400_000;

const instant = (label: string) =>
  z.iso.datetime({
    offset: true,
    error: `${label} must be an ISO 8601 date-time, e.g. 2026-03-01T12:00:00Z`,
  });

export const retryWindow = z
  .object({ from: instant("from"), to: instant("to") })
  .transform((w) => ({ from: Date.parse(w.from), to: Date.parse(w.to) }))
  .refine((w) => w.from < w.to, { message: "The start must be before the end", path: ["to"] })
  .refine((w) => w.to - w.from <= MAX_WINDOW_MS, {
    message: "The window can be at most 90 days",
    path: ["to"],
  });

export type RetryWindowInput = z.input<typeof retryWindow>;
