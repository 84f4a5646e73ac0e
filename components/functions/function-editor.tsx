"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { CodeEditor } from "@/components/functions/code-editor";
import { KindBadge } from "@/components/functions/functions-list";
import { InstancesPanel } from "@/components/functions/instances-panel";
import { RunsPanel } from "@/components/functions/runs-panel";
import { SettingsDecls } from "@/components/functions/settings-decls";
import { TestPanel } from "@/components/functions/test-panel";
import { useDeployFunction, useFunction, useUpdateFunction } from "@/components/functions/use-functions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { SettingDecl } from "@/lib/functions/schema";

type Tab = "code" | "settings" | "versions";

export function FunctionEditor({ id }: { id: string }) {
  const ws = useWorkspace();
  const { data: fn, error, isPending, refetch } = useFunction(id);
  const update = useUpdateFunction(id);
  const deploy = useDeployFunction(id);
  const [code, setCode] = useState<string | null>(null);
  const [decls, setDecls] = useState<SettingDecl[] | null>(null);
  const [tab, setTab] = useState<Tab>("code");
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (fn && code === null) setCode(fn.code);
    if (fn && decls === null) setDecls(fn.settings);
  }, [fn, code, decls]);

  if (isPending) return <Spinner label="Loading function" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  const canEdit = fn.canEdit;
  const dirty =
    (code !== null && code !== fn.code) ||
    (decls !== null && JSON.stringify(decls) !== JSON.stringify(fn.settings));
  const save = () =>
    update
      .mutateAsync({ code: code ?? fn.code, settings: decls ?? fn.settings })
      .then(() => setNotice("Saved"));
  const saveAndDeploy = async () => {
    setNotice(null);
    if (dirty) await save();
    const r = await deploy.mutateAsync();
    setNotice(`Deployed version ${r.version}: every instance runs it now`);
  };
  const failure = update.error ?? deploy.error;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/${ws.slug}/functions`} className="text-brand-700 hover:underline">
          ← Functions
        </Link>
      </p>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {fn.name} <KindBadge kind={fn.kind} />
          </span>
        }
        description={
          <span className="flex items-center gap-2">
            {fn.deployedVersion ? `Version ${fn.deployedVersion} deployed` : "Not deployed yet"}
            {(fn.undeployedChanges || dirty) && (
              <Badge tone="amber">{dirty ? "Unsaved changes" : "Undeployed changes"}</Badge>
            )}
          </span>
        }
        actions={
          canEdit && (
            <>
              <Button
                variant="secondary"
                onClick={() => save().catch(() => {})}
                disabled={!dirty}
                pending={update.isPending}
              >
                Save
              </Button>
              <Button
                onClick={() => saveAndDeploy().catch(() => {})}
                pending={deploy.isPending}
                disabled={!dirty && !fn.undeployedChanges}
                title={
                  !dirty && !fn.undeployedChanges
                    ? `Version ${fn.deployedVersion} is what you see`
                    : undefined
                }
              >
                {dirty ? "Save & deploy" : "Deploy"}
              </Button>
            </>
          )
        }
      />
      {failure && (
        <div className="mb-4">
          <ErrorState error={failure} />
        </div>
      )}
      {notice && !failure && (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-4 py-2 text-sm text-emerald-800">
          {notice}
        </p>
      )}
      {!canEdit && (
        <p className="mb-4 rounded-md bg-slate-100 px-4 py-2 text-sm text-slate-700">
          Read-only: your role can read this function but not change, test or deploy it.
        </p>
      )}
      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0">
          <div role="tablist" aria-label="Function" className="mb-3 flex gap-1 border-b border-slate-200">
            {(["code", "settings", "versions"] as const).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
                className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium capitalize ${tab === t ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
              >
                {t === "settings" ? `Settings (${(decls ?? fn.settings).length})` : t}
              </button>
            ))}
          </div>
          {tab === "code" && (
            <div role="tabpanel">
              <CodeEditor value={code ?? fn.code} onChange={setCode} readOnly={!canEdit} />
              {canEdit && fn.undeployedChanges && fn.deployedVersion !== null && (
                <p className="mt-2 text-xs text-slate-500">
                  Instances keep running version {fn.deployedVersion} until you deploy.
                </p>
              )}
            </div>
          )}
          {tab === "settings" && (
            <div role="tabpanel">
              <SettingsDecls value={decls ?? fn.settings} onChange={setDecls} readOnly={!canEdit} />
            </div>
          )}
          {tab === "versions" && (
            <div role="tabpanel">
              <Versions versions={fn.versions} />
            </div>
          )}
        </div>
        <div className="min-w-0">
          {canEdit ? (
            <TestPanel fn={fn} code={code ?? fn.code} decls={decls ?? fn.settings} />
          ) : (
            <Card title="Test">
              <p className="text-sm text-slate-600">
                Owners and Source Admins can run the code against sample events.
              </p>
            </Card>
          )}
        </div>
      </div>
      <div className="mt-8 space-y-6">
        <InstancesPanel fn={fn} />
        <RunsPanel fnId={fn.id} />
      </div>
    </>
  );
}

function Versions({ versions }: { versions: { version: number; deployedBy: string; at: string }[] }) {
  if (!versions.length)
    return <p className="text-sm text-slate-600">Nothing deployed yet. Deploy to create version 1.</p>;
  return (
    <ol className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white text-sm">
      {versions.map((v, i) => (
        <li key={v.version} className="flex items-center justify-between px-4 py-2">
          <span>
            <span className="font-medium">Version {v.version}</span>{" "}
            {i === 0 && <Badge tone="green">running</Badge>}
          </span>
          <span className="text-slate-600">
            {v.deployedBy} · <Time value={v.at} />
          </span>
        </li>
      ))}
    </ol>
  );
}
