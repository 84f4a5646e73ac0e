import { integrationKeys } from "@/lib/catalog/integration-keys";
import type { DestinationType } from "@/lib/catalog/types";

/**
 * Like Segment's "Destination Info" box: the keys a message's integrations object may use for
 * this destination's type (any of them applies to every destination of the type), and the call
 * types it accepts (others are recorded as unsupported).
 */
export function DestinationInfo({ type }: { type: DestinationType }) {
  if (type.warehouse) return <WarehouseInfo type={type} />;
  const keys = integrationKeys(type);
  return (
    <dl
      aria-label="Destination info"
      className="mb-4 grid gap-x-6 gap-y-1 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-xs text-slate-600 sm:grid-cols-[auto_1fr]"
    >
      <dt className="font-medium text-slate-700">In the integrations object</dt>
      <dd data-testid="integration-keys">
        {keys.map((k, i) => (
          <span key={k}>
            {i > 0 && (i === keys.length - 1 ? " or " : ", ")}
            <code className="rounded bg-white px-1 py-0.5 text-slate-800 ring-1 ring-slate-200">{k}</code>
          </span>
        ))}
        <span className="text-slate-500">
          {" "}
          (case-sensitive; turns every {type.name} destination on or off, not just this one)
        </span>
      </dd>
      <dt className="font-medium text-slate-700">Accepts</dt>
      <dd>{type.supportedTypes.join(", ")} calls; other call types are recorded as unsupported</dd>
    </dl>
  );
}

/** Warehouses load every accepted message in bulk: the integrations object and filters do not apply. */
function WarehouseInfo({ type }: { type: DestinationType }) {
  return (
    <dl
      aria-label="Destination info"
      className="mb-4 grid gap-x-6 gap-y-1 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-xs text-slate-600 sm:grid-cols-[auto_1fr]"
    >
      <dt className="font-medium text-slate-700">Loads</dt>
      <dd>
        every accepted {type.supportedTypes.join(", ")} call of its sources, in bulk on its sync interval,
        into Segment&apos;s warehouse schema
      </dd>
      <dt className="font-medium text-slate-700">In the integrations object</dt>
      <dd data-testid="integration-keys">
        not addressable: <code>{'"All": false'}</code> and destination filters do not stop a warehouse; use
        Selective Sync
      </dd>
    </dl>
  );
}
