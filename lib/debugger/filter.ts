import { z } from "zod";
import type { RecentFilter } from "@/lib/ingest/store";
import type { TapEvent } from "@/lib/tap";

// The debugger's server-side filter, parsed from the stream URL. The same filter runs in SQL on
// the archive (backlog, resume) and in memory on live tap events, with the same semantics:
// types ∈ list, exact event name, exact userId or anonymousId, case-insensitive text anywhere in
// the stored JSON, rejected only.

export const CALL_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || undefined)
    .optional();

export const debuggerFilter = z.object({
  types: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : undefined))
    .pipe(z.array(z.enum(CALL_TYPES)).optional()),
  event: text(200),
  user: text(200),
  q: text(200),
  rejected: z
    .enum(["1", "true", "0", "false", ""])
    .optional()
    .transform((v) => v === "1" || v === "true"),
});
export type DebuggerFilter = z.output<typeof debuggerFilter>;

export function parseDebuggerFilter(params: URLSearchParams): DebuggerFilter {
  return debuggerFilter.parse(Object.fromEntries(params));
}

export function toRecentFilter(f: DebuggerFilter, limit: number, afterSeq?: number): RecentFilter {
  return {
    types: f.types,
    event: f.event,
    user: f.user,
    text: f.q,
    rejectedOnly: f.rejected,
    limit,
    afterSeq,
  };
}

/** Serialised once per event and shared by every viewer (the text filter and the SSE frame use it). */
const serialised = new WeakMap<TapEvent, string>();

export function eventJson(e: TapEvent): string {
  let json = serialised.get(e);
  if (json === undefined) {
    json = JSON.stringify({
      seq: e.seq,
      status: e.status,
      reason: e.reason ?? null,
      protocol: e.protocol ?? null,
      receivedAt: e.receivedAt,
      message: e.message,
    });
    serialised.set(e, json);
  }
  return json;
}

/** Lower-cased message JSON for the text filter, also computed once per event for all viewers. */
const searchable = new WeakMap<TapEvent, string>();

function searchText(e: TapEvent): string {
  let text = searchable.get(e);
  if (text === undefined) {
    text = JSON.stringify(e.message).toLowerCase();
    searchable.set(e, text);
  }
  return text;
}

export function matches(f: DebuggerFilter, e: TapEvent): boolean {
  const m = e.message;
  if (f.rejected && e.status !== "rejected") return false;
  if (f.types && !f.types.includes(m.type as (typeof CALL_TYPES)[number])) return false;
  if (f.event !== undefined && m.event !== f.event) return false;
  if (f.user !== undefined && m.userId !== f.user && m.anonymousId !== f.user) return false;
  if (f.q !== undefined && !searchText(e).includes(f.q.toLowerCase())) return false;
  return true;
}
