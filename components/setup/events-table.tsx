import type { UseCaseEvent } from "@/lib/catalog/use-cases";

/** The suggested events and their properties, as the Use Cases Reference lists them. */
export function EventsTable({ events }: { events: readonly UseCaseEvent[] }) {
  return (
    <table className="w-full text-left text-sm" data-testid="suggested-events">
      <caption className="sr-only">Suggested events and properties</caption>
      <thead className="text-xs uppercase text-slate-500">
        <tr>
          <th scope="col" className="w-1/3 pb-2 font-medium">
            Event
          </th>
          <th scope="col" className="pb-2 font-medium">
            Properties
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((e) => (
          <tr key={e.event}>
            <th scope="row" className="py-2 pr-4 align-top font-medium text-slate-900">
              {e.event}
            </th>
            <td className="py-2">
              {e.properties.length ? (
                <span className="flex flex-wrap gap-1">
                  {e.properties.map((p) => (
                    <code key={p} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                      {p}
                    </code>
                  ))}
                </span>
              ) : (
                <span className="text-slate-500">No properties</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
