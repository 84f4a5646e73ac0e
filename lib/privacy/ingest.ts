import type Database from "better-sqlite3";
import {
  type Classification,
  type CustomMatcherDefinition,
  MatcherSet,
  maskSample,
} from "@/lib/privacy/matchers";
import { deletePathsInPlace, walkFields } from "@/lib/privacy/paths";
import { type InboxWrite, privacySql, writeInbox } from "@/lib/privacy/sql";

// Privacy at ingest, on the tracking API's event loop, so every part is bounded:
// - suppression: a Set lookup per message (userIds an owner suppressed);
// - blocked Red fields: removed before the message is archived (only when a workspace has some);
// - detection: sampled. At most `scansPerSecond` messages per workspace are walked (bounded
//   fields and depth, linear matchers); a sighting updates an in-memory map, flushed to the inbox
//   table in one transaction every `flushEveryMs`. Per-workspace settings are re-read at most
//   once per `ttlMs`, like write keys.

export interface IngestPrivacyOptions {
  scansPerSecond?: number;
  ttlMs?: number;
  flushEveryMs?: number;
  /** Off: no detection at all (the benchmark's baseline). */
  detect?: boolean;
}

interface WorkspaceState {
  expires: number;
  suppressed: Set<string>;
  blocked: string[][];
  matchers: MatcherSet;
  /** path -> source ids already recorded (in the table or pending). */
  known: Map<string, Set<string>>;
  tokens: number;
  refilledAt: number;
}

interface Pending extends InboxWrite {
  sourceSet: Set<string>;
}

export interface MessagePrivacy {
  /** True when the message's userId is suppressed: it must not be stored. */
  suppressed(userId: string | null): boolean;
  /**
   * Looks at the enriched message (sampled) and deletes blocked fields from it, in place, before
   * it is serialised for the archive; true when it removed any.
   */
  inspect(message: Record<string, unknown>, sourceId: string, now: number): boolean;
  /** Deletes blocked fields only (rejected messages, which detection does not look at). */
  block(message: Record<string, unknown>): boolean;
}

const NOTHING: MessagePrivacy = { suppressed: () => false, inspect: () => false, block: () => false };

export class IngestPrivacy {
  private readonly states = new Map<string, WorkspaceState>();
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout | null;
  private readonly scansPerSecond: number;
  private readonly ttlMs: number;
  private readonly detect: boolean;

  constructor(
    private readonly db: Database.Database,
    opts: IngestPrivacyOptions = {},
  ) {
    this.scansPerSecond = opts.scansPerSecond ?? 50;
    this.ttlMs = opts.ttlMs ?? 1000;
    this.detect = opts.detect ?? true;
    const every = opts.flushEveryMs ?? 2000;
    this.timer = every > 0 ? setInterval(() => this.flush(), every) : null;
    this.timer?.unref();
  }

  /** What the pipeline asks for one request's messages. */
  forWorkspace(workspaceId: string, now: number): MessagePrivacy {
    let state: WorkspaceState;
    try {
      state = this.state(workspaceId, now);
    } catch (err) {
      // A broken settings read must not stop ingest; the next request retries.
      console.error("[switchyard] privacy settings could not be read:", err);
      return NOTHING;
    }
    return {
      suppressed: (userId) => userId !== null && state.suppressed.size > 0 && state.suppressed.has(userId),
      inspect: (message, sourceId, t) => {
        if (this.detect && this.takeToken(state, t)) this.scan(workspaceId, state, message, sourceId, t);
        return state.blocked.length > 0 && deletePathsInPlace(message, state.blocked) > 0;
      },
      block: (message) => state.blocked.length > 0 && deletePathsInPlace(message, state.blocked) > 0,
    };
  }

  private state(workspaceId: string, now: number): WorkspaceState {
    const old = this.states.get(workspaceId);
    if (old && old.expires > now) return old;
    const s = privacySql(this.db);
    const fields = s.workspaceFields.all(workspaceId) as {
      path: string;
      classification: string | null;
      blockAtIngest: number | boolean;
    }[];
    const matchers = (
      s.matchers.all(workspaceId) as {
        id: string;
        name: string;
        keyPatterns: string;
        valuePatterns: string;
        suggested: string;
        enabled: number | boolean;
      }[]
    ).map(
      (m): CustomMatcherDefinition => ({
        id: m.id,
        name: m.name,
        keyPatterns: JSON.parse(m.keyPatterns) as string[],
        valuePatterns: JSON.parse(m.valuePatterns) as string[],
        suggested: m.suggested as Classification,
        enabled: Boolean(m.enabled),
      }),
    );
    const known = old?.known ?? this.loadKnown(workspaceId);
    const state: WorkspaceState = {
      expires: now + this.ttlMs,
      suppressed: new Set((s.suppressed.all(workspaceId) as { userId: string }[]).map((r) => r.userId)),
      blocked: fields
        .filter((f) => f.classification === "red" && Boolean(f.blockAtIngest))
        .map((f) => f.path.split(".")),
      matchers: new MatcherSet(matchers),
      known,
      tokens: old?.tokens ?? this.scansPerSecond,
      refilledAt: old?.refilledAt ?? now,
    };
    this.states.set(workspaceId, state);
    return state;
  }

  private loadKnown(workspaceId: string): Map<string, Set<string>> {
    const rows = privacySql(this.db).fieldSources.all(workspaceId) as { path: string; sources: string }[];
    return new Map(rows.map((r) => [r.path, new Set(JSON.parse(r.sources) as string[])]));
  }

  private takeToken(state: WorkspaceState, now: number): boolean {
    if (now > state.refilledAt) {
      state.tokens = Math.min(
        this.scansPerSecond,
        state.tokens + ((now - state.refilledAt) * this.scansPerSecond) / 1000,
      );
      state.refilledAt = now;
    }
    if (state.tokens < 1) return false;
    state.tokens--;
    return true;
  }

  private scan(
    workspaceId: string,
    state: WorkspaceState,
    message: Record<string, unknown>,
    sourceId: string,
    now: number,
  ): void {
    const userId = typeof message.userId === "string" ? message.userId : null;
    const anonymousId = typeof message.anonymousId === "string" ? message.anonymousId : null;
    // A group call's traits describe a company: its "name" is not a person's.
    const group = message.type === "group";
    walkFields(message, (path, key, value) => {
      const known = state.known.get(path);
      const pendingKey = `${workspaceId}\u0000${path}`;
      const pending = this.pending.get(pendingKey);
      if (pending) {
        pending.lastSeen = now;
        pending.sourceSet.add(sourceId);
        return;
      }
      if (known) {
        // Recorded already: only a new source or a fresh lastSeen is worth a write.
        this.pending.set(pendingKey, this.sighting(workspaceId, path, "", "", known, sourceId, now, null));
        return;
      }
      const finding = state.matchers.match(key, value, path);
      if (!finding || (group && finding.matcher === "name")) return;
      const sources = new Set<string>();
      state.known.set(path, sources);
      this.pending.set(
        pendingKey,
        this.sighting(workspaceId, path, finding.matcher, finding.suggested, sources, sourceId, now, {
          sample: maskSample(value),
          userId,
          anonymousId,
        }),
      );
    });
  }

  private sighting(
    workspaceId: string,
    path: string,
    matcher: string,
    suggested: string,
    sourceSet: Set<string>,
    sourceId: string,
    now: number,
    sample: { sample: string; userId: string | null; anonymousId: string | null } | null,
  ): Pending {
    sourceSet.add(sourceId);
    return {
      workspaceId,
      path,
      matcher,
      suggested,
      sources: "",
      sourceSet,
      firstSeen: now,
      lastSeen: now,
      sample: sample?.sample ?? null,
      sampleUserId: sample?.userId ?? null,
      sampleAnonymousId: sample?.anonymousId ?? null,
    };
  }

  /** Writes every pending sighting in one transaction. */
  flush(now = Date.now()): number {
    if (this.pending.size === 0) return 0;
    const rows = [...this.pending.values()].map((p) => ({ ...p, sources: JSON.stringify([...p.sourceSet]) }));
    this.pending.clear();
    try {
      writeInbox(this.db, rows, now);
    } catch (err) {
      console.error("[switchyard] privacy inbox write failed:", err);
    }
    return rows.length;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}
