import Link from "next/link";
import { ReadOnlyNotice } from "@/components/setup/read-only-notice";
import { buttonClass } from "@/components/ui/button";

/** The landing screen before a use case is chosen; a new workspace starts here. */
export function SetupWelcome({ slug, fresh, canEdit }: { slug: string; fresh: boolean; canEdit: boolean }) {
  return (
    <div className="mx-auto max-w-2xl py-8 text-center">
      <p className="text-sm font-medium text-brand-700">Guided setup</p>
      <h1 className="mt-1 text-2xl font-semibold text-slate-900">
        {fresh ? "Welcome to Switchyard" : "Set up a use case"}
      </h1>
      <p className="mt-3 text-sm text-slate-600">
        Pick a business goal and a use case. Switchyard suggests the events to track and the sources and
        destinations to connect, checks that the events arrive in a dev environment, then helps you publish
        the same setup to prod.
      </p>
      {!fresh && (
        <p className="mt-2 text-sm text-slate-600">
          This workspace already has sources or destinations; guided setup uses the ones labelled{" "}
          <code>dev</code> and <code>prod</code>.
        </p>
      )}
      <ol className="mx-auto mt-6 max-w-md space-y-1 text-left text-sm text-slate-700">
        <li>1. Pick your business goal</li>
        <li>2. Select a use case</li>
        <li>3. Follow the checklist in dev: events, sources, destinations, verified data</li>
        <li>4. Publish to prod and verify events there</li>
      </ol>
      <div className="mt-8 flex justify-center">
        {canEdit ? (
          <Link href={`/${slug}/setup/goal`} className={buttonClass("primary")}>
            Get started
          </Link>
        ) : (
          <div className="space-y-2">
            <p className="text-sm font-medium text-slate-700">No use case has been chosen yet.</p>
            <ReadOnlyNotice />
          </div>
        )}
      </div>
    </div>
  );
}
