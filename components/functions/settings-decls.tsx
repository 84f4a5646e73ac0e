"use client";

import { Button } from "@/components/ui/button";
import { SETTING_TYPES, type SettingDecl } from "@/lib/functions/schema";

// The settings a function declares. Each instance fills in its own values; secret ones are
// sealed at rest and never shown again.

const blank = (): SettingDecl => ({
  name: "",
  label: "",
  type: "string",
  description: "",
  required: false,
  secret: false,
});
const input = "w-full rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-100";

export function SettingsDecls({
  value,
  onChange,
  readOnly,
}: {
  value: SettingDecl[];
  onChange: (next: SettingDecl[]) => void;
  readOnly: boolean;
}) {
  const set = (i: number, patch: Partial<SettingDecl>) =>
    onChange(value.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        Read them in handlers as <code className="rounded bg-slate-100 px-1">settings.name</code>. Secret
        settings are encrypted at rest and masked everywhere.
      </p>
      {value.length === 0 && <p className="text-sm text-slate-500">No settings declared.</p>}
      {value.length > 0 && (
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="py-1 pr-2 font-medium">Name</th>
              <th className="py-1 pr-2 font-medium">Label</th>
              <th className="py-1 pr-2 font-medium">Type</th>
              <th className="py-1 pr-2 font-medium">Required</th>
              <th className="py-1 pr-2 font-medium">Secret</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {value.map((d, i) => (
              <tr key={i}>
                <td className="py-1 pr-2">
                  <input
                    aria-label={`Setting ${i + 1} name`}
                    className={input}
                    value={d.name}
                    disabled={readOnly}
                    onChange={(e) => set(i, { name: e.target.value })}
                  />
                </td>
                <td className="py-1 pr-2">
                  <input
                    aria-label={`Setting ${i + 1} label`}
                    className={input}
                    value={d.label}
                    disabled={readOnly}
                    onChange={(e) => set(i, { label: e.target.value })}
                  />
                </td>
                <td className="py-1 pr-2">
                  <select
                    aria-label={`Setting ${i + 1} type`}
                    className={input}
                    value={d.type}
                    disabled={readOnly}
                    onChange={(e) => set(i, { type: e.target.value as SettingDecl["type"] })}
                  >
                    {SETTING_TYPES.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </td>
                <td className="py-1 pr-2 text-center">
                  <input
                    type="checkbox"
                    aria-label={`Setting ${i + 1} required`}
                    checked={d.required}
                    disabled={readOnly}
                    onChange={(e) => set(i, { required: e.target.checked })}
                  />
                </td>
                <td className="py-1 pr-2 text-center">
                  <input
                    type="checkbox"
                    aria-label={`Setting ${i + 1} secret`}
                    checked={d.secret}
                    disabled={readOnly}
                    onChange={(e) => set(i, { secret: e.target.checked })}
                  />
                </td>
                <td className="py-1">
                  {!readOnly && (
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => onChange(value.filter((_, j) => j !== i))}
                      aria-label={`Remove setting ${d.name || i + 1}`}
                    >
                      Remove
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!readOnly && (
        <Button variant="secondary" size="sm" onClick={() => onChange([...value, blank()])}>
          Add setting
        </Button>
      )}
    </div>
  );
}
