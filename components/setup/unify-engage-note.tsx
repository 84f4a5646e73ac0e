/** Unify and Engage follow Connections in Segment's guide; Switchyard has neither yet, so no buttons. */
export function UnifyEngageNote() {
  return (
    <section
      aria-labelledby="unify-engage-title"
      data-testid="unify-engage"
      className="rounded-lg border border-dashed border-slate-300 bg-white px-5 py-4 text-sm text-slate-600"
    >
      <h2 id="unify-engage-title" className="font-semibold text-slate-900">
        Profiles and audiences (Unify and Engage)
      </h2>
      <p className="mt-1">
        Identity resolution and audience building are not part of Switchyard yet, so this checklist ends once
        your events reach your destinations in prod. The userId, anonymousId and traits you send are kept in
        every event, so the tools you connect can build profiles and audiences from them.
      </p>
    </section>
  );
}
