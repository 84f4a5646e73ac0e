import type Database from "better-sqlite3";
import { allOf, andThen, type Maybe, readerFor, SerialWrites } from "@/lib/db/off-loop";
import {
  type Classification,
  type CustomMatcherDefinition,
  MatcherSet,
  maskSample,
} from "@/lib/privacy/matchers";
import { deletePathsInPlace, walkFields } from "@/lib/privacy/paths";
import { INGEST_READS, type InboxWrite, writeInbox, writeInboxRows } from "@/lib/privacy/sql";

// Privacy at ingest, on the tracking API's event loop, so every part is bounded:
// - suppression: a Set lookup per message (userIds an owner suppressed);
// - blocked Red fields: removed before the message is archived (only when a workspace has some);
// - detection: sampled. At most `scansPerSecond` messages per workspace are walked (bounded
//   fields and depth, linear matchers); a sighting updates an in-memory map, flushed to the inbox
//   table in one transaction every `flushEveryMs`. Per-workspace settings are re-read at most
//   once per `ttlMs`, like write keys (on PostgreSQL without blocking the event loop).

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

interface FieldRead {
  path: string;
  classification: string | null;
  blockAtIngest: number | boolean;
}

interface MatcherRead {
  id: string;
  name: string;
  keyPatterns: string;
  valuePatterns: string;
  suggested: string;
  enabled: number | boolean;
}

const matcherOf = (m: MatcherRead): CustomMatcherDefinition => ({
  id: m.id,
  name: m.name,
  keyPatterns: JSON.parse(m.keyPatterns) as string[],
  valuePatterns: JSON.parse(m.valuePatterns) as string[],
  suggested: m.suggested as Classification,
  enabled: Boolean(m.enabled),
});

export class IngestPrivacy {
  private readonly states = new Map<string, WorkspaceState>();
  private readonly loading = new Map<string, Promise<WorkspaceState>>();
  private readonly writes: SerialWrites;
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
    this.writes = new SerialWrites(db, "privacy inbox write");
    const every = opts.flushEveryMs ?? 2000;
    this.timer = every > 0 ? setInterval(() => this.flush(Date.now(), true), every) : null;
    this.timer?.unref();
  }

  /**
   * What the pipeline asks for one request's messages. Answers at once while the workspace's
   * settings are fresh (and always on SQLite); on PostgreSQL, when they have expired, with a
   * promise of the re-read (the request waits for it, so settings stay exactly as fresh; every
   * request of the workspace arriving meanwhile shares that one read). Settings that cannot be
   * read throw (or reject): the request is refused with a 503 and retried by the client, rather
   * than stored without its workspace's suppressions and blocked fields.
   */
  forWorkspace(workspaceId: string, now: number): Maybe<MessagePrivacy> {
    const old = this.states.get(workspaceId);
    if (old && old.expires > now) return this.view(workspaceId, old);
    const state = this.loading.get(workspaceId) ?? this.load(workspaceId, old, now);
    return andThen(state, (s) => this.view(workspaceId, s));
  }

  private view(workspaceId: string, state: WorkspaceState): MessagePrivacy {
    return {
      suppressed: (userId) => userId !== null && state.suppressed.size > 0 && state.suppressed.has(userId),
      inspect: (message, sourceId, t) => {
        if (this.detect && this.takeToken(state, t)) this.scan(workspaceId, state, message, sourceId, t);
        return state.blocked.length > 0 && deletePathsInPlace(message, state.blocked) > 0;
      },
      block: (message) => state.blocked.length > 0 && deletePathsInPlace(message, state.blocked) > 0,
    };
  }

  /** Reads a workspace's settings (the three reads at once on PostgreSQL) and caches them. */
  private load(workspaceId: string, old: WorkspaceState | undefined, now: number): Maybe<WorkspaceState> {
    const read = readerFor(this.db);
    const params = [workspaceId];
    const fields = read.all<FieldRead>(INGEST_READS.workspaceFields, params);
    const matchers = read.all<MatcherRead>(INGEST_READS.matchers, params);
    const suppressed = read.all<{ userId: string }>(INGEST_READS.suppressed, params);
    const known = old
      ? old.known
      : andThen(
          read.all<{ path: string; sources: string }>(INGEST_READS.fieldSources, params),
          (rows) => new Map(rows.map((r) => [r.path, new Set(JSON.parse(r.sources) as string[])])),
        );
    const build = (
      f: FieldRead[],
      m: MatcherRead[],
      u: { userId: string }[],
      k: Map<string, Set<string>>,
    ): WorkspaceState => {
      const state: WorkspaceState = {
        expires: now + this.ttlMs,
        suppressed: new Set(u.map((r) => r.userId)),
        blocked: f
          .filter((r) => r.classification === "red" && Boolean(r.blockAtIngest))
          .map((r) => r.path.split(".")),
        matchers: new MatcherSet(m.map(matcherOf)),
        // A sighting recorded while the read was on its way stays known.
        known: this.states.get(workspaceId)?.known ?? k,
        tokens: old?.tokens ?? this.scansPerSecond,
        refilledAt: old?.refilledAt ?? now,
      };
      this.states.set(workspaceId, state);
      return state;
    };
    const all = allOf([fields, matchers, suppressed, known] as const);
    if (!(all instanceof Promise)) return build(...all);
    const loading = all.then((a) => build(...a)).finally(() => this.loading.delete(workspaceId));
    this.loading.set(workspaceId, loading);
    return loading;
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

  /**
   * Writes every pending sighting in one transaction. `offLoop` (the timer): on PostgreSQL on the
   * asynchronous pool, so the ingest's event loop never waits for it. Writes never overlap: while
   * one is on its way, the next (even a blocking one) goes after it, off the loop. A blocking write
   * that had to wait for the same rows would otherwise stop the very loop that commits them.
   */
  flush(now = Date.now(), offLoop = false): number {
    if (this.pending.size === 0) return 0;
    const rows = [...this.pending.values()].map((p) => ({ ...p, sources: JSON.stringify([...p.sourceSet]) }));
    this.pending.clear();
    if (offLoop || this.writes.busy) this.writes.write(() => writeInboxRows(this.db, rows, now));
    else {
      try {
        writeInbox(this.db, rows, now);
      } catch (err) {
        console.error("[switchyard] privacy inbox write failed:", err);
      }
    }
    return rows.length;
  }

  /** Stops the timer and writes what is pending (after any write still on its way). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.flush(Date.now(), true);
    await this.writes.idle();
  }
}
