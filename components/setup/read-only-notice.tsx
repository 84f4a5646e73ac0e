/** Shown to every role but Workspace Owner: the wizard is visible, its choices are not theirs. */
export function ReadOnlyNotice() {
  return (
    <p
      data-testid="setup-read-only"
      className="rounded-md border border-slate-200 bg-slate-100 px-4 py-3 text-sm text-slate-700"
    >
      You are viewing guided setup read-only. Only Workspace Owners can choose the use case, mark steps and
      publish to prod.
    </p>
  );
}
