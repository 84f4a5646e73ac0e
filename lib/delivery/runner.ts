import type Database from "better-sqlite3";
import { singletonLease } from "@/lib/db/lease";
import { allOf, andThen, type Maybe, SingleFlight } from "@/lib/db/off-loop";
import { isPg } from "@/lib/db/pg-sync";
import { type DeliveryConfig, loadDeliveryConfig } from "@/lib/delivery/config";
import { deliveryStates, readDeliveryStates, type SharedState } from "@/lib/delivery/control";
import { getMapping } from "@/lib/delivery/destinations";
import { evaluateHealth } from "@/lib/delivery/health";
import {
  concurrencyShare,
  countDeliveryProcesses,
  leaveDelivery,
  readDeliveryProcesses,
} from "@/lib/delivery/processes";
import { Recorder } from "@/lib/delivery/recorder";
import { replaysRunning } from "@/lib/delivery/replay-runs";
import { advanceReplays, advanceReplaysAsync } from "@/lib/delivery/replay-step";
import { pruneDelivery } from "@/lib/delivery/retention";
import { DestinationWorker } from "@/lib/delivery/worker";
import { env } from "@/lib/env";
import { Router } from "@/lib/routing/router";
import {
  loadRoutingTable,
  type RoutingTable,
  readRoutingFingerprint,
  readRoutingTable,
  routingFingerprint,
} from "@/lib/routing/table";
import { getTap, type Tap } from "@/lib/tap";

// The delivery engine: the router (archive -> jobs), one worker per enabled destination, the
// recorder (grouped result writes), health evaluation and retention. Runs inside the web
// process (scripts/server.ts) or alone (scripts/delivery-worker.ts); state lives in the database.

export interface DeliveryOptions {
  db: Database.Database;
  now?: () => number;
  random?: () => number;
  /** Overrides of the environment-derived configuration (tests shorten timeouts and backoff). */
  config?: Partial<DeliveryConfig>;
  /** Key that opens Destination.secretsCipher; defaults to env().ENCRYPTION_KEY. */
  encryptionKey?: string;
  /** Tap to listen on for new messages (null: poll only). Defaults to the process-wide tap. */
  tap?: Tap | null;
  /** Where a brand-new routing cursor starts (default "latest": history is not re-sent). */
  startFrom?: "latest" | "beginning";
}

export interface DeliveryStats {
  /** This process routes (holds the routing lease). */
  leader: boolean;
  /** Requests in flight this process allows per destination (its share of DELIVERY_CONCURRENCY). */
  concurrency: number;
  cursor: number;
  recorderPending: number;
  destinations: {
    id: string;
    name: string;
    type: string;
    inflight: number;
    queued: number;
    paused: boolean;
    breaker: string;
  }[];
}

export interface DeliveryRunner {
  /**
   * Stops routing and workers, waits for requests in flight (up to graceMs, default the request
   * timeout) and writes results. Requests still running after that are retried after restart.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /** New messages were archived: route them now instead of at the next poll. */
  wake(): void;
  /** Another process's router left jobs in the queue for these destinations (null: any): claim them. */
  jobsQueued(destinationIds: string[] | null): void;
  stats(): DeliveryStats;
}

const FULL_RELOAD_MS = 30_000;
const HOUR = 3_600_000;

export function startDelivery(opts: DeliveryOptions): DeliveryRunner {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const cfg: DeliveryConfig = { ...loadDeliveryConfig(), ...opts.config };
  const key = () => opts.encryptionKey ?? env().ENCRYPTION_KEY;
  // On PostgreSQL results are written off the event loop (lib/delivery/recorder.ts).
  const recorder = new Recorder(db, {
    flushMs: cfg.flushMs,
    samplesPerType: cfg.samplesPerType,
    offLoop: true,
  });
  const workers = new Map<string, DestinationWorker>();
  const tap = opts.tap === undefined ? getTap() : opts.tap;
  const unsubscribe = new Map<string, () => void>();
  // The fingerprint first: a change committed between the two reads then reloads the table.
  let fingerprint = routingFingerprint(db);
  let table: RoutingTable = loadRoutingTable(db, key);
  let lastFullReload = now();
  let stopped = false;
  // The installation's DELIVERY_CONCURRENCY, shared among the processes that deliver.
  let share = cfg.concurrency;
  const countProcesses = () => {
    try {
      share = concurrencyShare(cfg.concurrency, countDeliveryProcesses(db));
    } catch (err) {
      console.error("[switchyard] delivery: counting delivery processes failed:", err);
    }
  };
  countProcesses();
  const concurrency = () => share;

  /** `states`: the pauses and breakers read with the table, for workers this creates. */
  const syncWorkers = (states?: Map<string, SharedState>) => {
    const fresh: string[] = [];
    for (const dest of table.destinations.values()) {
      const worker = workers.get(dest.id);
      if (worker) worker.update(dest);
      else if (dest.enabled && getMapping(dest.type)) {
        workers.set(dest.id, new DestinationWorker(dest, { db, cfg, recorder, now, random, concurrency }));
        fresh.push(dest.id);
      }
    }
    if (fresh.length) {
      if (states) applyStates(states);
      else applyPause();
    }
    for (const [id, worker] of workers) {
      if (table.destinations.get(id)?.enabled) continue;
      workers.delete(id);
      void worker.stop(0);
    }
    for (const ws of table.workspaces)
      if (tap && !unsubscribe.has(ws)) unsubscribe.set(ws, tap.subscribeWorkspace(ws, wake));
    for (const [ws, off] of unsubscribe)
      if (!table.workspaces.has(ws)) {
        off();
        unsubscribe.delete(ws);
      }
  };

  // Pause and resume from the console apply within a second (one small read), and so does a
  // breaker another process opened or closed (lib/delivery/breaker.ts adopt).
  // `readAt`: when the read began (a worker ignores a breaker read before its own last write landed).
  const applyStates = (states: Map<string, SharedState>, readAt = Number.POSITIVE_INFINITY) => {
    for (const [id, worker] of workers) {
      const state = states.get(id);
      worker.setPaused(state?.paused ?? false);
      if (state) worker.adoptBreaker(state.breaker, readAt);
    }
  };
  // Workers just created learn their state before they claim anything (a blocking read: at start).
  const applyPause = () => {
    try {
      applyStates(deliveryStates(db));
    } catch (err) {
      console.error("[switchyard] delivery: reading paused destinations failed:", err);
    }
  };

  /**
   * Reloads the routing table when `next` differs from the fingerprint it was last loaded at, or
   * every FULL_RELOAD_MS. On PostgreSQL the table (and the pauses of workers it creates) is read
   * off the event loop, one reload at a time: a fingerprint that arrives while one runs is
   * compared again when it ends. A failed reload keeps the old table and is retried by the next
   * call (the fingerprint is taken only with a table loaded at it).
   */
  let reloading: Promise<void> | null = null;
  const reloadFailed = (err: unknown) =>
    console.error("[switchyard] delivery: reloading destinations failed:", err);
  const reload = (next: string): Maybe<void> => {
    if (stopped) return;
    if (reloading) return reloading.then(() => reload(next));
    if (next === fingerprint && now() - lastFullReload < FULL_RELOAD_MS) return;
    const started = now();
    const loaded = (read: readonly [RoutingTable, Map<string, SharedState>]) => {
      if (stopped) return;
      table = read[0];
      fingerprint = next;
      lastFullReload = started;
      syncWorkers(read[1]);
    };
    try {
      const read = allOf([readRoutingTable(db, key), readDeliveryStates(db)] as const);
      if (!(read instanceof Promise)) return loaded(read);
      const tracked: Promise<void> = read.then(loaded, reloadFailed).finally(() => {
        if (reloading === tracked) reloading = null;
      });
      reloading = tracked;
      return tracked;
    } catch (err) {
      reloadFailed(err);
    }
  };

  // Every configRefreshMs: pauses and breakers, the routing fingerprint and the number of
  // delivering processes. On PostgreSQL the three reads run on the asynchronous pool, one refresh
  // at a time, so a process that is delivering does not stop for them.
  const applyRefresh = (
    [states, next, processes]: readonly [Map<string, SharedState>, string, number],
    readAt: number,
  ) => {
    if (stopped) return;
    applyStates(states, readAt);
    share = concurrencyShare(cfg.concurrency, processes);
    return reload(next);
  };
  const refresh = new SingleFlight("delivery: refreshing destinations, pauses and processes", () => {
    const readAt = now();
    const read = allOf([
      readDeliveryStates(db),
      readRoutingFingerprint(db),
      readDeliveryProcesses(db),
    ] as const);
    return andThen(read, (r) => applyRefresh(r, readAt));
  });

  const router = new Router({
    db,
    cfg,
    now,
    table: () => table,
    worker: (id) => workers.get(id),
    startFrom: opts.startFrom,
    // Route against the destinations as they are now: a destination created a moment before an
    // event arrives must receive it. The pass reads the fingerprint with the messages.
    fingerprint: (next) => reload(next),
  });
  // Routing, health evaluation and pruning run in one process of the installation (the lease
  // holder, lib/db/lease.ts); every process runs workers for every destination.
  // The lease is checked off the event loop (lib/db/lease.ts); taking it starts a pass at once.
  const lease = singletonLease(db, "delivery-router", { now, onAcquired: () => wake() });
  let leader = false;
  const isLeader = () => {
    const held = lease.held();
    if (held && !leader) router.reload();
    leader = held;
    return held;
  };
  let routeTimer: NodeJS.Timeout | null = null;
  let lastPass = 0;

  function wake() {
    if (stopped || routeTimer) return;
    routeTimer = setTimeout(route, Math.max(0, lastPass + cfg.routeIntervalMs - now()));
  }

  // PostgreSQL: passes run off the event loop (Router.passAsync), one at a time; a wake while one
  // runs starts the next as soon as it ends.
  let passing: Promise<void> | null = null;
  let wokenWhilePassing = false;
  const failed = (err: unknown) =>
    console.error("[switchyard] delivery: routing pass failed, will retry:", err);

  function route() {
    routeTimer = null;
    if (stopped) return;
    if (passing) {
      wokenWhilePassing = true;
      return;
    }
    lastPass = now();
    const limit = 1000;
    try {
      // Only the router needs the destinations as of this very moment (the pass reloads them when
      // its fingerprint changed); every process (and pauses) refreshes on configRefreshMs.
      if (!isLeader()) return;
      if (!isPg(db)) {
        if (router.pass(limit) === limit) setImmediate(wake);
        return;
      }
      wokenWhilePassing = false;
      passing = router
        .passAsync(limit)
        .then((n) => {
          if (n === limit) wokenWhilePassing = true;
        }, failed)
        .finally(() => {
          passing = null;
          if (wokenWhilePassing) setImmediate(wake);
        });
    } catch (err) {
      failed(err);
    }
  }

  // The lease holder's periodic work. Each runs one at a time; on PostgreSQL off the event loop
  // (SingleFlight tracks the promise), and a failure is logged and retried at the next interval.
  const health = new SingleFlight("delivery: health evaluation", () =>
    isLeader() ? evaluateHealth(db, now()) : undefined,
  );
  // Replays advance once a second by at most replayRate messages each (lib/delivery/replay-runs.ts).
  const advance = new SingleFlight("delivery: advancing replays", () => {
    const deps = {
      now: now(),
      deadlineMs: cfg.deadlineMs,
      budget: cfg.replayRate,
      destination: (id: string) => {
        const d = table.destinations.get(id);
        return d?.enabled ? d : undefined;
      },
      schemaOff: (sourceId: string) => table.schemaOff.get(sourceId),
    };
    const notify = (woken: Set<string>) => {
      for (const id of woken) workers.get(id)?.notify();
    };
    return isPg(db) ? advanceReplaysAsync(db, deps).then(notify) : notify(advanceReplays(db, deps));
  });
  const replays = new SingleFlight("delivery: checking for replays", () =>
    andThen(replaysRunning(db), (running) => {
      if (running && !stopped) advance.run();
    }),
  );
  // Chunk by chunk with turns of the event loop between them.
  const prune = new SingleFlight("delivery: pruning", () =>
    isLeader() ? pruneDelivery(db, cfg, now(), new Set(workers.keys()), () => stopped) : undefined,
  );

  syncWorkers();
  const timers = [
    setInterval(wake, cfg.pollMs),
    setInterval(refresh.run, cfg.configRefreshMs),
    setInterval(health.run, cfg.healthIntervalMs),
    setInterval(replays.run, cfg.replayIntervalMs),
    setInterval(prune.run, HOUR),
    setTimeout(prune.run, 60_000),
  ];
  wake();

  return {
    wake,
    jobsQueued(ids) {
      if (ids === null) for (const w of workers.values()) w.notify();
      else for (const id of ids) workers.get(id)?.notify();
    },
    stats: () => ({
      leader,
      concurrency: share,
      cursor: router.cursor,
      recorderPending: recorder.pending,
      destinations: [...workers.values()].map((w) => w.stats()),
    }),
    async stop(stopOpts = {}) {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      if (routeTimer) clearTimeout(routeTimer);
      // A pass in flight commits (or fails) and hands its jobs over before the workers stop; reads
      // on their way finish before the connection may close.
      await Promise.all([passing, refresh.idle(), replays.idle(), reloading]);
      await Promise.all([advance.idle(), prune.idle(), health.idle()]);
      for (const off of unsubscribe.values()) off();
      unsubscribe.clear();
      await Promise.all([...workers.values()].map((w) => w.stop(stopOpts.graceMs)));
      workers.clear();
      await recorder.drain();
      await lease.release();
      leaveDelivery(db);
    },
  };
}
