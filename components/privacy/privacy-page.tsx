"use client";

import { useState } from "react";
import { DeletionsPanel } from "@/components/privacy/deletions-panel";
import { DestinationsPanel } from "@/components/privacy/destinations-panel";
import { FieldsTable } from "@/components/privacy/fields-table";
import { MatchersPanel } from "@/components/privacy/matchers-panel";
import { usePrivacy } from "@/components/privacy/use-privacy";
import { ErrorState, PageHeader, Spinner } from "@/components/ui/states";

const SECTIONS = [
  { id: "inbox", label: "Inbox" },
  { id: "fields", label: "Classifications" },
  { id: "destinations", label: "Destinations & consent" },
  { id: "matchers", label: "Matchers" },
  { id: "deletions", label: "Deletions" },
] as const;
type Section = (typeof SECTIONS)[number]["id"];

export function PrivacyPage() {
  const { data, error, isPending, refetch } = usePrivacy();
  const [section, setSection] = useState<Section>("inbox");
  const inbox = data?.fields.filter((f) => f.classification === null) ?? [];
  const classified = data?.fields.filter((f) => f.classification !== null) ?? [];
  return (
    <>
      <PageHeader
        title="Privacy"
        description="Personal data detected in your events, how it is classified, which destinations may receive it, consent, and deletion requests."
      />
      {/* The tab row scrolls sideways inside the page on a narrow screen. */}
      <div className="relative mb-6 overflow-x-auto">
        <div
          role="tablist"
          aria-label="Privacy sections"
          className="flex w-max min-w-full gap-1 border-b border-slate-200"
        >
          {SECTIONS.map((s) => (
            <button
              key={s.id}
              type="button"
              role="tab"
              aria-selected={section === s.id}
              onClick={() => setSection(s.id)}
              className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
                section === s.id
                  ? "border-brand-600 text-brand-700"
                  : "border-transparent text-slate-600 hover:text-slate-900"
              }`}
            >
              {s.label}
              {s.id === "inbox" && inbox.length > 0 && (
                <span className="ml-1.5 rounded-full bg-red-100 px-1.5 text-xs text-red-700">
                  {inbox.length}
                </span>
              )}
            </button>
          ))}
        </div>
      </div>
      {isPending ? (
        <Spinner label="Loading privacy settings" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : (
        <div role="tabpanel" aria-label={SECTIONS.find((s) => s.id === section)?.label}>
          {!data.canWrite && (
            <p className="mb-4 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600">
              You can see classifications; only workspace owners change privacy settings. Samples are hidden.
            </p>
          )}
          {section === "inbox" && <FieldsTable data={data} fields={inbox} inbox />}
          {section === "fields" && <FieldsTable data={data} fields={classified} inbox={false} />}
          {section === "destinations" && <DestinationsPanel data={data} />}
          {section === "matchers" && <MatchersPanel data={data} />}
          {section === "deletions" && <DeletionsPanel data={data} />}
        </div>
      )}
    </>
  );
}
