import type { SchemaKind } from "@/lib/protocols/observe";

// The verdict stored with an archived message (Message.protocol) when its source's tracking plan or
// schema event filters acted on it (enforcement.ts decides it at ingest), and what applying it
// means for the message. Kept apart from the enforcement itself so the readers of the archive
// (routing, a warehouse sync's preparing threads) load only this.

export interface Violation {
  kind: SchemaKind;
  name: string;
  /** "properties.total", "traits.email", or "" for the event itself. */
  path: string;
  /** unplanned_event, unplanned_trait, or the JSON Schema keyword (type, required, enum...). */
  code: string;
  message: string;
  /** The offending value, as short JSON (samples). */
  value?: string;
}

export type VerdictStep = "tracking_plan" | "schema_event_filter";

export interface Verdict {
  violations?: Violation[];
  blocked?: { step: VerdictStep; reason: string; filterId?: string };
  omitted?: { step: VerdictStep; path: string; filterId?: string }[];
  /** On a forwarded copy: the source it was blocked on. */
  forwardedFrom?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A copy of the message without the omitted top-level keys of properties/traits. */
export function applyOmissions(message: Record<string, unknown>, omitted: NonNullable<Verdict["omitted"]>) {
  const copy: Record<string, unknown> = { ...message };
  for (const { path } of omitted) {
    const dot = path.indexOf(".");
    const bag = path.slice(0, dot) as "properties" | "traits";
    const key = path.slice(dot + 1);
    const current = copy[bag];
    if (!isObject(current) || !(key in current)) continue;
    const next = { ...current };
    delete next[key];
    copy[bag] = next;
  }
  return copy;
}
