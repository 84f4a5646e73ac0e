import type { PreparedRequest } from "@/lib/ingest/prepare";
import type { ArchivedMessage } from "@/lib/ingest/store";
import { judge, type SourceProtocols, type Verdict } from "@/lib/protocols/enforcement";
import { observe } from "@/lib/protocols/observe";
import type { ProtocolsResolver } from "@/lib/protocols/resolver";

// The Protocols part of ingest, between validation/enrichment and the archive's group commit:
// each accepted message gets its Source Schema observation and, when the source has a tracking
// plan or schema event filters, its verdict. A blocked message whose source forwards violations
// is also archived, as a new message, on the chosen source (appended after the request's rows).

export interface ProtocolsStage {
  resolver: ProtocolsResolver | null;
  /** Source Schema tracking (on by default; bench:ingest turns it off for its baseline). */
  schemaTracking: boolean;
}

/** `protocols`: the source's settings (ProtocolsStage.resolver), already read. */
export function applyProtocols(
  stage: ProtocolsStage,
  protocols: SourceProtocols | null,
  sourceId: string,
  prepared: PreparedRequest,
): void {
  const messages = prepared.messages;
  if (!messages) return;
  if (!protocols && !stage.schemaTracking) return;
  const { rows } = prepared;
  const count = rows.length;
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    if (row.status !== "accepted") continue;
    const message = messages[i]!;
    if (stage.schemaTracking) row.observation = observe(message);
    if (!protocols) continue;
    const verdict = judge(protocols, message);
    if (!verdict) continue;
    row.protocol = JSON.stringify(verdict);
    const target = protocols.forwardTo;
    if (verdict.blocked && target && target !== sourceId) {
      const copy = forwardedCopy(message, sourceId, verdict);
      const forwarded: ArchivedMessage = {
        ...row,
        sourceId: target,
        payload: JSON.stringify(copy),
        // Same messageId as the original in the same workspace: never a duplicate of it.
        dedup: false,
        protocol: JSON.stringify({
          forwardedFrom: sourceId,
          violations: verdict.violations,
        } satisfies Verdict),
        observation: stage.schemaTracking ? observe(copy) : null,
      };
      rows.push(forwarded);
      messages.push(copy);
      prepared.forwarded = (prepared.forwarded ?? 0) + 1;
    }
  }
}

function forwardedCopy(message: Record<string, unknown>, sourceId: string, verdict: Verdict) {
  const context = typeof message.context === "object" && message.context !== null ? message.context : {};
  return {
    ...message,
    context: {
      ...context,
      protocols: { sourceId, reason: verdict.blocked?.reason, violations: verdict.violations ?? [] },
    },
  };
}
