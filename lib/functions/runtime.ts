import { loadDeliveryConfig } from "@/lib/delivery/config";
import { type FunctionLimits, loadFunctionLimits } from "@/lib/functions/limits";
import type { FetchPolicy } from "@/lib/functions/sandbox/fetch";
import { Sandbox } from "@/lib/functions/sandbox/host";
import type { FunctionKind, InvocationMode, InvocationResult } from "@/lib/functions/sandbox/types";

// The process's sandboxes: one per deployed instance and version, started on first use, replaced
// when a new version is deployed and stopped after a while without invocations. Lives on
// globalThis because the custom server and Next's bundle load separate copies of lib/.

/** A deployed instance as the hot paths need it (lib/functions/bindings.ts loads them). */
export interface Binding {
  instanceId: string;
  functionId: string;
  workspaceId: string;
  kind: FunctionKind;
  version: number;
  code: string;
  /** JSON of the full settings (public values and decrypted secrets). */
  settingsJson: string;
  /** Secret values, for redacting logs and samples. */
  secrets: string[];
}

const IDLE_MS = 5 * 60_000;

export class FunctionRuntime {
  private readonly sandboxes = new Map<string, { version: number; sandbox: Sandbox }>();
  private readonly timer: NodeJS.Timeout;
  readonly limits: FunctionLimits;

  constructor(
    private readonly fetchPolicy: FetchPolicy,
    limits?: FunctionLimits,
  ) {
    this.limits = limits ?? loadFunctionLimits();
    this.timer = setInterval(() => this.reap(), 60_000);
    this.timer.unref();
  }

  /** The sandbox of this instance at this version (a new version replaces the old one). */
  sandbox(binding: Binding, fetchPolicy: FetchPolicy = this.fetchPolicy): Sandbox {
    const held = this.sandboxes.get(binding.instanceId);
    if (held && held.version === binding.version) return held.sandbox;
    if (held) void retire(held.sandbox);
    const sandbox = new Sandbox({
      kind: binding.kind,
      code: binding.code,
      limits: this.limits,
      fetch: fetchPolicy,
    });
    this.sandboxes.set(binding.instanceId, { version: binding.version, sandbox });
    return sandbox;
  }

  invoke(binding: Binding, mode: InvocationMode, payload: string, fetchPolicy?: FetchPolicy) {
    return this.sandbox(binding, fetchPolicy).invoke(mode, payload, binding.settingsJson);
  }

  /** Stops the sandboxes of instances no longer deployed. */
  forget(keep: ReadonlySet<string>): void {
    for (const [id, held] of this.sandboxes)
      if (!keep.has(id)) {
        this.sandboxes.delete(id);
        void retire(held.sandbox);
      }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.sandboxes.values()].map((h) => h.sandbox.close()));
    this.sandboxes.clear();
  }

  private reap(): void {
    const now = Date.now();
    for (const [id, held] of this.sandboxes)
      if (held.sandbox.inFlight === 0 && now - held.sandbox.lastUsed > IDLE_MS) {
        this.sandboxes.delete(id);
        void held.sandbox.close();
      }
  }
}

/** Lets invocations still running on an old version finish (up to the wall limit), then stops it. */
async function retire(sandbox: Sandbox): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (sandbox.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await sandbox.close();
}

const key = Symbol.for("switchyard.functions.runtime");
type G = typeof globalThis & { [key]?: FunctionRuntime };

/** The process-wide runtime; fetch follows the delivery settings (timeout, private addresses). */
export function getFunctionRuntime(): FunctionRuntime {
  const g = globalThis as G;
  if (!g[key]) {
    const cfg = loadDeliveryConfig();
    g[key] = new FunctionRuntime({ timeoutMs: cfg.timeoutMs, allowPrivate: cfg.allowPrivate });
  }
  return g[key];
}

/**
 * A one-off run in its own sandbox (the editor's Test button, deploy checks): nothing is kept,
 * so a test cannot disturb the deployed instances.
 */
export async function runOnce(
  kind: FunctionKind,
  code: string,
  mode: InvocationMode | null,
  payload: string,
  settingsJson: string,
): Promise<{ handlers: string[]; loadError: string | null; result: InvocationResult | null }> {
  const runtime = getFunctionRuntime();
  const cfg = loadDeliveryConfig();
  const sandbox = new Sandbox({
    kind,
    code,
    limits: runtime.limits,
    fetch: { timeoutMs: cfg.timeoutMs, allowPrivate: cfg.allowPrivate },
  });
  try {
    const loaded = await sandbox.ready();
    if (!loaded.ok)
      return { handlers: [], loadError: `${loaded.error.name}: ${loaded.error.message}`, result: null };
    const result = mode ? await sandbox.invoke(mode, payload, settingsJson) : null;
    return { handlers: loaded.handlers, loadError: null, result };
  } finally {
    await sandbox.close();
  }
}
