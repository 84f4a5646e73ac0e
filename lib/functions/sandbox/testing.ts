import { afterEach } from "vitest";
import { type FunctionLimits, loadFunctionLimits } from "@/lib/functions/limits";
import { Sandbox } from "@/lib/functions/sandbox/host";
import type { FunctionKind } from "@/lib/functions/sandbox/types";

// The sandbox tests' fixtures: a sandbox per test (closed after it) and a sample event.

// Generous CPU time where a test is not about it: the limit counts time on the thread, and CI
// machines are shared.
const LIMITS: FunctionLimits = { ...loadFunctionLimits({}), cpuMs: 2000, wallMs: 20_000 };
const open: Sandbox[] = [];

export function sandbox(
  kind: FunctionKind,
  code: string,
  limits: Partial<FunctionLimits> = {},
  allowPrivate = true,
) {
  const sb = new Sandbox({
    kind,
    code,
    limits: { ...LIMITS, ...limits },
    fetch: { timeoutMs: 2000, allowPrivate },
  });
  open.push(sb);
  return sb;
}

export const event = (type: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type,
    userId: "u1",
    messageId: "m1",
    event: "Order Completed",
    properties: { total: 5 },
    ...extra,
  });

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
