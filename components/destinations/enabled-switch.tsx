"use client";

/**
 * An on/off switch (role="switch"), used for destinations and filters. Read-only viewers get the
 * same control disabled, so the state is still announced. `label` names what is switched.
 */
export function EnabledSwitch({
  checked,
  label,
  disabled,
  pending,
  onChange,
}: {
  checked: boolean;
  label: string;
  disabled?: boolean;
  pending?: boolean;
  onChange?: (next: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      aria-busy={pending || undefined}
      disabled={disabled || pending || !onChange}
      onClick={() => onChange?.(!checked)}
      className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed disabled:opacity-60 ${
        checked ? "bg-emerald-600" : "bg-slate-300"
      }`}
    >
      <span
        aria-hidden
        className={`inline-block size-4 rounded-full bg-white shadow transition-transform ${
          checked ? "translate-x-4.5" : "translate-x-0.5"
        }`}
      />
    </button>
  );
}
