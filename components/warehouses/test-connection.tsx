"use client";

import { Button } from "@/components/ui/button";
import { useTestConnection } from "@/components/warehouses/use-warehouse";
import { ApiError } from "@/lib/api/client";
import type { ConnectionCheck } from "@/lib/warehouses/loader";

/**
 * "Test connection": the address policy, sign-in and the right to create schemas, with the form's
 * current values (a masked password means the stored one). `onResult` lets the form require a pass.
 */
export function TestConnection({
  type,
  settings,
  destinationId,
  onResult,
  disabled,
}: {
  type: string;
  settings: Record<string, unknown>;
  destinationId?: string;
  onResult?: (check: ConnectionCheck | null) => void;
  disabled?: boolean;
}) {
  const test = useTestConnection();
  const error = test.error instanceof ApiError ? test.error : (test.error as Error | null);
  async function run() {
    onResult?.(null);
    const result = await test.mutateAsync({ type, settings, destinationId }).catch(() => null);
    onResult?.(result);
  }
  return (
    <div className="space-y-3" data-testid="test-connection">
      <Button variant="secondary" onClick={run} pending={test.isPending} disabled={disabled}>
        Test connection
      </Button>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      {test.data && !test.isPending && (
        <div role="status" aria-live="polite">
          <p className={`text-sm font-medium ${test.data.ok ? "text-emerald-700" : "text-red-700"}`}>
            {test.data.ok
              ? "Connection works: Switchyard can sign in and create schemas."
              : "Connection failed."}
          </p>
          <ol className="mt-2 space-y-1 text-sm">
            {test.data.steps.map((s) => (
              <li key={s.step} className="flex gap-2">
                <span aria-hidden className={s.ok ? "text-emerald-600" : "text-red-600"}>
                  {s.ok ? "✓" : "✗"}
                </span>
                <span className="font-medium">{s.step[0]?.toUpperCase() + s.step.slice(1)}:</span>
                <span className="text-slate-700">{s.message}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
