// The ingest tap: a live, in-process feed of archived messages for the debugger and guided
// setup. Ingest publishes only after the commit that stored the messages, so every event a
// subscriber sees has a seq that a later archive query will also return.

export type TapStatus = "accepted" | "rejected";

export interface TapEvent {
  /** Archive sequence number (Message.seq); the debugger uses it as the SSE event id. */
  seq: number;
  sourceId: string;
  workspaceId: string;
  status: TapStatus;
  /** Why the message was rejected (status "rejected" only). */
  reason?: string;
  /** Server receive time, epoch milliseconds (same value as the archive column). */
  receivedAt: number;
  /** Protocols verdict (lib/protocols/enforcement.ts Verdict): violations, blocked, omitted. */
  protocol?: {
    violations?: { path: string; code: string; message: string }[];
    blocked?: { step: string; reason: string };
    omitted?: { step: string; path: string }[];
    forwardedFrom?: string;
  };
  /** The stored JSON object. Shared between listeners: treat it as read-only. */
  message: Record<string, unknown>;
}

export type TapListener = (event: TapEvent) => void;

export interface Tap {
  publish(events: TapEvent[]): void;
  subscribe(sourceId: string, listener: TapListener): () => void;
  /** Every source of a workspace, including sources created after subscribing. */
  subscribeWorkspace(workspaceId: string, listener: TapListener): () => void;
  /** Lets the publisher skip building events nobody will read. */
  hasSubscribers(sourceId: string, workspaceId: string): boolean;
}

type Registry = Map<string, Set<TapListener>>;

function add(registry: Registry, key: string, listener: TapListener): () => void {
  let set = registry.get(key);
  if (!set) {
    set = new Set();
    registry.set(key, set);
  }
  set.add(listener);
  return () => {
    const current = registry.get(key);
    if (!current) return;
    current.delete(listener);
    if (current.size === 0) registry.delete(key);
  };
}

let lastErrorLog = 0;

function deliver(listeners: Set<TapListener> | undefined, event: TapEvent): void {
  if (!listeners) return;
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (err) {
      // A broken subscriber must not slow down or break ingest; log at most once a minute.
      const now = Date.now();
      if (now - lastErrorLog > 60_000) {
        lastErrorLog = now;
        console.error("[switchyard] tap listener threw (further errors muted for 60 s):", err);
      }
    }
  }
}

/** A fresh, independent tap. Production code uses getTap(); tests may create their own. */
export function createTap(): Tap {
  const bySource: Registry = new Map();
  const byWorkspace: Registry = new Map();
  return {
    publish(events) {
      if (bySource.size === 0 && byWorkspace.size === 0) return;
      for (const event of events) {
        deliver(bySource.get(event.sourceId), event);
        deliver(byWorkspace.get(event.workspaceId), event);
      }
    },
    subscribe: (sourceId, listener) => add(bySource, sourceId, listener),
    subscribeWorkspace: (workspaceId, listener) => add(byWorkspace, workspaceId, listener),
    hasSubscribers: (sourceId, workspaceId) => bySource.has(sourceId) || byWorkspace.has(workspaceId),
  };
}

const key = Symbol.for("switchyard.tap");
type GlobalWithTap = typeof globalThis & { [key]?: Tap };

/**
 * The process-wide tap. Kept on globalThis because Next's server bundle and the custom
 * server load their own copies of this module and must still share one tap.
 */
export function getTap(): Tap {
  const g = globalThis as GlobalWithTap;
  g[key] ??= createTap();
  return g[key];
}
