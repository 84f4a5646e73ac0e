import { summarizeChange } from "@/components/audit/summarize";

export function ChangeSummary({ before, after }: { before: unknown; after: unknown }) {
  const lines = summarizeChange(before, after);
  if (lines.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="space-y-0.5 text-xs">
      {lines.map((l) => (
        <li key={l.key}>
          <span className="text-slate-500">{l.key}:</span>{" "}
          {l.before !== undefined && (
            <span className={l.after !== undefined ? "text-slate-500 line-through" : "text-slate-700"}>
              {l.before}
            </span>
          )}
          {l.before !== undefined && l.after !== undefined && (
            <>
              <span aria-hidden="true"> → </span>
              <span className="sr-only"> changed to </span>
            </>
          )}
          {l.after !== undefined && <span className="font-medium text-slate-800">{l.after}</span>}
        </li>
      ))}
    </ul>
  );
}
