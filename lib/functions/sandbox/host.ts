import fs from "node:fs";
import { createRequire } from "node:module";
import type { Worker as WorkerType } from "node:worker_threads";
import { createAgents, type HttpAgents } from "@/lib/delivery/http/client";
import type { FunctionLimits } from "@/lib/functions/limits";
import type {
  FetchRecord,
  FunctionKind,
  InvocationMode,
  InvocationResult,
  LogLine,
  Outcome,
} from "@/lib/functions/sandbox/types";
import { NodeWorker, repoPath } from "@/lib/threads/repo-worker";
import { type FetchPolicy, performFetch } from "./fetch";
import { CpuShare } from "./share";

// The main-thread side of one function instance's sandbox: spawns its thread, hands it
// invocations (all those asked for in the same event-loop turn in one message), performs its
// fetch calls (fetch.ts: the delivery HTTP client's SSRF guard, timeout and bounded answer), and
// enforces the wall-clock limit. A thread that dies or runs out of memory is replaced on the
// next invocation; invocations it held fail as "unavailable" (retried), never hang.

export interface SandboxOptions {
  kind: FunctionKind;
  code: string;
  limits: FunctionLimits;
  fetch: FetchPolicy;
}

interface Pending {
  resolve(result: InvocationResult): void;
  startedAt: number;
  /** The wall-clock limit, from the call (a wait for the function's share of a core counts). */
  timer: NodeJS.Timeout;
  /** CPU time charged to the function's share when it was handed over (its likely cost). */
  charged: number;
  fetches: FetchRecord[];
}

interface WorkerResult {
  id: number;
  outcome: Outcome;
  name?: string;
  message?: string;
  stack?: string;
  networkType?: string;
  output?: string | null;
  emitted: string[];
  logs: LogLine[];
  cpuMs: number;
  fatal: boolean;
}

type Loaded = { ok: true; handlers: string[] } | { ok: false; error: { name: string; message: string } };

const PING_MS = 1000;
const RUNTIME_SETUP_MS = 60_000;

/** Where the thread's script lives: beside this file in the repository (never bundled; it loads prelude.js). */
const workerPath = () => repoPath("lib", "functions", "sandbox", "worker.cjs");

const engineKey = Symbol.for("switchyard.functions.engine");
type EngineGlobal = typeof globalThis & { [engineKey]?: WebAssembly.Module | null };

/** The QuickJS engine compiled once per process; null when it cannot be (threads then compile it). */
function engineModule(): WebAssembly.Module | null {
  const g = globalThis as EngineGlobal;
  if (g[engineKey] === undefined) {
    try {
      const file = createRequire(workerPath()).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
      g[engineKey] = new WebAssembly.Module(fs.readFileSync(file));
    } catch (err) {
      console.error("[switchyard] functions: could not precompile the engine:", err);
      g[engineKey] = null;
    }
  }
  return g[engineKey];
}

export function failure(outcome: Outcome, message: string, startedAt = Date.now()): InvocationResult {
  return {
    outcome,
    name: "Error",
    message,
    emitted: [],
    logs: [],
    fetches: [],
    cpuMs: 0,
    durationMs: Date.now() - startedAt,
  };
}

export class Sandbox {
  private worker: WorkerType | null = null;
  private loaded: Promise<Loaded> | null = null;
  private readonly pending = new Map<number, Pending>();
  private outbox: { id: number; mode: InvocationMode; payload: string; settings: string }[] = [];
  private flushQueued = false;
  private nextId = 1;
  private agents: HttpAgents | null = null;
  private closed = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private watch: Int32Array | null = null;
  private clockBase = 0;
  /** The function's share of a core (share.ts): whether invocations may be handed over now. */
  private readonly share: CpuShare;
  private holdTimer: NodeJS.Timeout | null = null;
  /** Set when the code itself cannot load: no thread is started again for it. */
  private loadError: { name: string; message: string } | null = null;
  lastUsed = Date.now();

  constructor(private readonly opts: SandboxOptions) {
    this.share = new CpuShare(opts.limits.cpuMs, opts.limits.cpuShare);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Invocations waiting for the function to be within its share of a core again. */
  get held(): number {
    return this.holdTimer ? this.outbox.length : 0;
  }

  /** Charges an ended invocation's CPU time to the function's share. */
  private spend(p: Pending, cpuMs: number) {
    this.share.ended(cpuMs, p.charged);
  }

  /** Starts the thread (if needed) and says which handlers the code defines, or why it cannot load. */
  ready(): Promise<Loaded> {
    if (this.loadError) return Promise.resolve({ ok: false, error: this.loadError });
    if (!this.loaded) this.spawn();
    return this.loaded!;
  }

  invoke(mode: InvocationMode, payload: string, settings: string): Promise<InvocationResult> {
    const startedAt = Date.now();
    this.lastUsed = startedAt;
    if (this.closed)
      return Promise.resolve(failure("unavailable", "The function is being replaced", startedAt));
    if (this.loadError)
      return Promise.resolve(
        failure("load_error", `${this.loadError.name}: ${this.loadError.message}`, startedAt),
      );
    if (!this.worker) this.spawn();
    const id = this.nextId++;
    return new Promise<InvocationResult>((resolve) => {
      const timer = setTimeout(() => this.wallTimeout(id), this.opts.limits.wallMs);
      this.pending.set(id, { resolve, startedAt, timer, charged: 0, fetches: [] });
      this.outbox.push({ id, mode, payload, settings });
      if (!this.flushQueued && !this.holdTimer) {
        this.flushQueued = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.failAll("unavailable", "The function is being replaced");
    await this.stopWorker();
  }

  /**
   * Hands the waiting invocations to the thread, in one message, as many as the function's share
   * of a core allows now (all of them, for nearly every function); the rest wait for a result
   * (settled() hands more over) or for the share to come back.
   */
  private flush(): void {
    this.flushQueued = false;
    if (this.outbox.length === 0 || !this.worker || this.holdTimer) return;
    const go = this.share.take(this.outbox.length);
    if (go.count === 0) {
      this.holdTimer = setTimeout(() => {
        this.holdTimer = null;
        this.flush();
      }, go.waitMs);
      this.holdTimer.unref();
      return;
    }
    const items = this.outbox.slice(0, go.count);
    this.outbox = this.outbox.slice(go.count);
    for (const item of items) {
      const p = this.pending.get(item.id);
      if (p) p.charged = go.charged;
    }
    this.worker.postMessage({ op: "invoke", items });
  }

  private spawn(): void {
    const clock = new SharedArrayBuffer(8);
    this.watch = new Int32Array(clock);
    this.clockBase = Date.now();
    const { kind, code, limits } = this.opts;
    const Worker = NodeWorker();
    const worker = new Worker(workerPath(), {
      workerData: { kind, code, limits, clock, clockBase: this.clockBase, wasmModule: engineModule() },
      // The thread's own V8 heap (the function's heap is the WebAssembly memory, limited inside).
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      execArgv: [],
      env: {},
    });
    worker.unref();
    this.worker = worker;
    this.startWatchdog();
    let settle: (l: Loaded) => void = () => {};
    this.loaded = new Promise<Loaded>((resolve) => {
      settle = resolve;
    });
    worker.on("message", (msg: { op: string } & Record<string, unknown>) => {
      if (worker !== this.worker) return;
      if (msg.op === "ready") {
        settle({ ok: true, handlers: msg.handlers as string[] });
        this.flush();
      } else if (msg.op === "failed") {
        const error = msg.error as { name: string; message: string };
        this.loadError = error;
        settle({ ok: false, error });
        this.failAll("load_error", `${error.name}: ${error.message}`);
        void this.stopWorker();
      } else if (msg.op === "results") {
        for (const r of msg.items as WorkerResult[]) this.settled(r);
      } else if (msg.op === "fetch") {
        void this.fetch(msg.fetchId as number, msg.id as number, msg.request as string, worker);
      } else if (msg.op === "pong" && this.pingTimer) {
        clearTimeout(this.pingTimer);
        this.pingTimer = null;
      }
    });
    const died = (why: string) => {
      if (worker !== this.worker) return;
      settle({ ok: false, error: { name: "Error", message: why } });
      this.worker = null;
      this.loaded = null;
      this.failAll(/memory|Aborted/i.test(why) ? "memory" : "unavailable", why);
      this.agents?.destroy();
      this.agents = null;
      if (this.watchdog) clearInterval(this.watchdog);
      this.watchdog = null;
    };
    worker.on("error", (err) => died(`The function's sandbox stopped: ${err.message}`));
    worker.on("exit", (code) => died(`The function's sandbox exited (code ${code})`));
  }

  /**
   * The hard stop. The runtime's interrupt handler stops ordinary loops at the CPU limit; an entry
   * into the VM that lasts twice the limit (a C built-in that never polls it, or code that keeps
   * catching the interrupt through an await) ends the thread. That invocation fails as a timeout,
   * the others it held as "unavailable" (retried); the next invocation starts a fresh thread.
   */
  private startWatchdog(): void {
    if (this.watchdog) return;
    const { cpuMs, loadMs } = this.opts.limits;
    const tick = Math.max(10, Math.min(100, cpuMs / 2));
    this.watchdog = setInterval(() => {
      const watch = this.watch;
      if (!watch || !this.worker) return;
      const id = Atomics.load(watch, 0);
      if (id === 0) return;
      const elapsed = Date.now() - this.clockBase - Atomics.load(watch, 1);
      // -2: the runtime installing itself (ours, not the function's: only a stuck thread ends it).
      const allowed = id === -2 ? RUNTIME_SETUP_MS : 2 * (id === -1 ? loadMs : cpuMs) + 50;
      if (elapsed <= allowed) return;
      if (id === -2) {
        void this.restart("unavailable");
        return;
      }
      const message = `The function used more than its CPU time limit of ${id === -1 ? loadMs : cpuMs} ms and was stopped`;
      if (id === -1) this.loadError = { name: "TimeoutError", message: `Loading the code: ${message}` };
      const p = this.pending.get(id);
      if (p) {
        this.pending.delete(id);
        clearTimeout(p.timer);
        this.spend(p, elapsed);
        p.resolve({ ...failure("timeout", message, p.startedAt), name: "TimeoutError", fetches: p.fetches });
      }
      void this.restart(id === -1 ? "load_error" : "unavailable");
    }, tick);
    this.watchdog.unref();
  }

  private settled(r: WorkerResult): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    this.spend(p, r.cpuMs);
    if (this.outbox.length && !this.flushQueued && !this.holdTimer) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    const result: InvocationResult = {
      outcome: r.outcome,
      name: r.name,
      message: r.message,
      stack: r.stack,
      networkType: r.networkType,
      output: r.output,
      emitted: r.emitted ?? [],
      logs: r.logs ?? [],
      fetches: p.fetches,
      cpuMs: r.cpuMs,
      durationMs: Date.now() - p.startedAt,
    };
    p.resolve(result);
    // Out of memory: its heap may be full of what the code kept; start clean next time.
    if (r.fatal) void this.restart("unavailable");
  }

  private async restart(outcome: Outcome): Promise<void> {
    const message =
      outcome === "load_error" && this.loadError
        ? `${this.loadError.name}: ${this.loadError.message}`
        : "The function's sandbox was restarted after an invocation exceeded its limits";
    this.failAll(outcome, message);
    await this.stopWorker();
  }

  private wallTimeout(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    const waiting = this.outbox.findIndex((item) => item.id === id);
    if (waiting >= 0) {
      // Never handed over: it waited for the function's share of a core all along.
      this.outbox.splice(waiting, 1);
      p.resolve({
        ...failure(
          "timeout",
          `The function did not start within ${this.opts.limits.wallMs} ms: it had used more than its share of a core (FUNCTIONS_CPU_SHARE) and its invocations were waiting`,
          p.startedAt,
        ),
        name: "WallTimeoutError",
        fetches: p.fetches,
      });
      return;
    }
    this.worker?.postMessage({ op: "cancel", id });
    p.resolve({
      ...failure(
        "timeout",
        `The function did not finish within ${this.opts.limits.wallMs} ms (including fetch calls)`,
        p.startedAt,
      ),
      // Waiting, not computing: unlike the CPU limit, worth another try.
      name: "WallTimeoutError",
      fetches: p.fetches,
    });
    // A thread that does not answer a ping is stuck outside the runtime's reach: replace it.
    if (this.worker && !this.pingTimer) {
      const worker = this.worker;
      this.pingTimer = setTimeout(() => {
        this.pingTimer = null;
        if (worker === this.worker) void this.restart("unavailable");
      }, PING_MS);
      worker.postMessage({ op: "ping" });
    }
  }

  private failAll(outcome: Outcome, message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve({ ...failure(outcome, message, p.startedAt), fetches: p.fetches });
    }
    this.outbox = [];
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.loaded = null;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = null;
    this.agents?.destroy();
    this.agents = null;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    if (worker) await worker.terminate().catch(() => 0);
  }

  private async fetch(fetchId: number, id: number, requestJson: string, worker: WorkerType): Promise<void> {
    const pending = this.pending.get(id);
    const { answer, record } = await performFetch(
      requestJson,
      () => {
        this.agents ??= createAgents({ allowPrivate: this.opts.fetch.allowPrivate, maxSockets: 8 });
        return this.agents;
      },
      this.opts.fetch,
    );
    if (record) pending?.fetches.push(record);
    if (worker === this.worker) worker.postMessage({ op: "fetched", fetchId, answer });
  }
}
