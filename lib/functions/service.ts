import { db } from "@/lib/db";
import { AppError, conflict, forbidden, notFound } from "@/lib/errors";
import { runOnce } from "@/lib/functions/runtime";
import type { FunctionKind, InvocationResult } from "@/lib/functions/sandbox/types";
import {
  type FunctionCreate,
  type FunctionUpdate,
  type SettingDecl,
  settingDecls,
  type TestRun,
} from "@/lib/functions/schema";
import { getTemplate } from "@/lib/functions/templates";
import { requireUniqueName as uniqueName } from "@/lib/validation/unique-name";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Functions as the console edits them: the working copy (code and declared settings), test runs
// in a throwaway sandbox, and deploys, which freeze the working copy into a numbered version that
// every instance then runs.

export type FunctionRow = NonNullable<Awaited<ReturnType<typeof findFunction>>>;

function findFunction(workspaceId: string, id: string) {
  return db.function.findFirst({
    where: { id, workspaceId },
    include: {
      versions: {
        orderBy: { version: "desc" },
        select: { version: true, deployedBy: true, createdAt: true },
      },
      instances: {
        include: {
          source: { select: { id: true, name: true, environment: true } },
          destination: {
            select: {
              id: true,
              name: true,
              enabled: true,
              sources: { select: { source: { select: { environment: true } } } },
            },
          },
        },
        orderBy: { createdAt: "asc" },
      },
    },
  });
}

/** A function of this workspace, or 404 (also for another workspace's ids). */
export async function getFunction(access: WorkspaceAccess, id: string): Promise<FunctionRow> {
  const row = await findFunction(access.workspace.id, id);
  if (!row) throw notFound("Function not found");
  return row;
}

export const parseDecls = (text: string): SettingDecl[] => settingDecls.parse(JSON.parse(text));

/** Environments an instance touches: its source's, or every source feeding its destination. */
export function instanceEnvironments(i: FunctionRow["instances"][number]): string[] {
  if (i.source) return [i.source.environment];
  return i.destination?.sources.map((s) => s.source.environment) ?? [];
}

/** 403 when a label-scoped admin would change what runs on sources outside their scope. */
export function requireInstancesInScope(access: WorkspaceAccess, row: FunctionRow) {
  const outside = row.instances.flatMap(instanceEnvironments).filter((e) => !access.inScope(e));
  if (outside.length)
    throw forbidden(
      `Your access is limited to ${access.labels?.join(", ")}; this function also runs on ${[...new Set(outside)].join(", ")} sources`,
    );
}

export async function listFunctions(access: WorkspaceAccess) {
  const rows = await db.function.findMany({
    where: { workspaceId: access.workspace.id },
    include: {
      versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, createdAt: true } },
      _count: { select: { instances: true } },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as FunctionKind,
    name: r.name,
    description: r.description,
    updatedAt: r.updatedAt.toISOString(),
    deployedVersion: r.versions[0]?.version ?? null,
    deployedAt: r.versions[0]?.createdAt.toISOString() ?? null,
    instanceCount: r._count.instances,
  }));
}

/** 409 when another function of the workspace has this name (case-insensitive). */
function requireUniqueName(workspaceId: string, name: string, exceptId?: string) {
  return uniqueName(
    "function",
    name,
    () => db.function.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
    { exceptId },
  );
}

export async function createFunction(access: WorkspaceAccess, input: FunctionCreate) {
  const template = getTemplate(input.template, input.kind);
  if (!template)
    throw new AppError("bad_request", `No ${input.kind} template "${input.template}"`, [
      { path: "template", message: "Unknown template for this kind" },
    ]);
  await requireUniqueName(access.workspace.id, input.name);
  const created = await db.function.create({
    data: {
      workspaceId: access.workspace.id,
      kind: input.kind,
      name: input.name,
      description: input.description || template.description,
      code: template.code,
      settings: JSON.stringify(template.settings),
    },
  });
  return getFunction(access, created.id);
}

export async function updateFunction(access: WorkspaceAccess, row: FunctionRow, input: FunctionUpdate) {
  if (input.name !== undefined) await requireUniqueName(access.workspace.id, input.name, row.id);
  await db.function.update({
    where: { id: row.id },
    data: {
      name: input.name,
      description: input.description,
      code: input.code,
      settings: input.settings ? JSON.stringify(input.settings) : undefined,
    },
  });
  return getFunction(access, row.id);
}

export async function deleteFunction(row: FunctionRow) {
  if (row.instances.length)
    throw conflict(
      `The function still runs in ${row.instances.length} place(s); remove its sources, destinations or insert attachments first`,
    );
  await db.function.delete({ where: { id: row.id } });
}

const REQUIRED: Record<FunctionKind, string[]> = {
  source: ["onRequest"],
  destination: ["onTrack", "onIdentify", "onPage", "onScreen", "onGroup", "onAlias", "onDelete", "onBatch"],
  insert: ["onTrack", "onIdentify", "onPage", "onScreen", "onGroup", "onAlias", "onDelete", "onBatch"],
};

/** Loads the code in a sandbox: 422 when it does not load or lacks the handlers its kind needs. */
export async function checkLoads(kind: FunctionKind, code: string): Promise<string[]> {
  const { handlers, loadError } = await runOnce(kind, code, null, "", "{}");
  if (loadError)
    throw new AppError("unprocessable", `The code does not load: ${loadError}`, [
      { path: "code", message: loadError },
    ]);
  if (!handlers.some((h) => REQUIRED[kind].includes(h)))
    throw new AppError(
      "unprocessable",
      kind === "source"
        ? "A source function must define onRequest(request, settings)"
        : "Define at least one handler: onTrack, onIdentify, onPage, onScreen, onGroup, onAlias or onBatch",
      [{ path: "code", message: "Missing handler" }],
    );
  return handlers;
}

/** Freezes the working copy into the next version; every instance runs it from now on. */
export async function deployFunction(access: WorkspaceAccess, row: FunctionRow) {
  requireInstancesInScope(access, row);
  const handlers = await checkLoads(row.kind as FunctionKind, row.code);
  const version = (row.versions[0]?.version ?? 0) + 1;
  await db.$transaction([
    db.functionVersion.create({
      data: {
        functionId: row.id,
        version,
        code: row.code,
        settings: row.settings,
        deployedBy: access.user.email,
      },
    }),
    // Touch the instances so the delivery engine's fingerprint notices the new version.
    db.functionInstance.updateMany({ where: { functionId: row.id }, data: { updatedAt: new Date() } }),
  ]);
  return { version, handlers };
}

const MAX_SAMPLE_BYTES = 512 * 1024;

/** Runs the working copy (or the editor's unsaved code) once against a sample. Nothing is kept. */
export async function testFunction(row: FunctionRow, input: TestRun) {
  const kind = row.kind as FunctionKind;
  const code = input.code ?? row.code;
  let mode: "request" | "event" | "batch";
  let payload: string;
  if (input.request) {
    if (kind !== "source") throw new AppError("bad_request", "Only source functions take a sample request");
    mode = "request";
    const headers = Object.entries(input.request.headers).map(([k, v]) => [k.toLowerCase(), v]);
    if (!headers.some(([k]) => k === "content-type")) headers.push(["content-type", "application/json"]);
    payload = JSON.stringify({
      method: input.request.method.toUpperCase(),
      url: input.request.url || "https://switchyard.local/v1/functions/test-token",
      headers,
      body: input.request.body,
    });
  } else {
    if (kind === "source")
      throw new AppError("bad_request", "A source function is tested with a sample request", [
        { path: "request", message: "Required for source functions" },
      ]);
    mode = input.events ? "batch" : "event";
    payload = JSON.stringify(input.events ?? input.event);
  }
  if (payload.length > MAX_SAMPLE_BYTES) throw new AppError("payload_too_large", "The sample is over 512 KB");
  const run = await runOnce(kind, code, mode, payload, JSON.stringify(input.settings));
  if (run.loadError)
    return { outcome: "load_error", message: run.loadError, logs: [], fetches: [], handlers: [] };
  return { ...present(run.result!), handlers: run.handlers };
}

const parseOr = (text: string | null | undefined) => {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** The result as the editor shows it: parsed output and emitted calls. */
export function present(r: InvocationResult) {
  return {
    outcome: r.outcome,
    errorName: r.outcome === "ok" ? null : (r.name ?? null),
    message: r.message ?? null,
    stack: r.stack ?? null,
    output: parseOr(r.output),
    emitted: r.emitted.map((m) => parseOr(m)),
    logs: r.logs,
    fetches: r.fetches,
    cpuMs: r.cpuMs,
    durationMs: r.durationMs,
  };
}
