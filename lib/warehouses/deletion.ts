import type Database from "better-sqlite3";
import { env } from "@/lib/env";
import type { WarehouseLoader } from "@/lib/warehouses/loader";
import { defaultLoader } from "@/lib/warehouses/scheduler";
import { listSchemas, listWarehouses } from "@/lib/warehouses/store";

// Deletion requests reach the workspace's warehouses (as Segment deletes a user's messages from
// the warehouses it loads): every schema a warehouse loaded for one of its sources loses the
// user's rows. The archive is purged first (lib/privacy/service.ts), so no later sync loads them
// again. A warehouse that cannot be reached fails the request, which says so and can be repeated.

/** Some warehouses could not be reached: the message names them; `removed` counts the others' rows. */
export class DeletionIncomplete extends Error {
  constructor(
    message: string,
    readonly removed: number,
  ) {
    super(message);
  }
}

export async function deleteFromWarehouses(
  db: Database.Database,
  req: { workspaceId: string; idType: "userId" | "anonymousId"; idValue: string },
  opts: {
    encryptionKey?: string;
    loaderFor?: (type: string, settings: Record<string, unknown>) => WarehouseLoader;
  } = {},
): Promise<number> {
  const key = opts.encryptionKey ?? env().ENCRYPTION_KEY;
  const loaderFor = opts.loaderFor ?? defaultLoader(env().ALLOW_PRIVATE_DESTINATIONS);
  let removed = 0;
  const failed: string[] = [];
  for (const w of listWarehouses(db, key)) {
    if (w.workspaceId !== req.workspaceId) continue;
    const schemas = listSchemas(db, w.id);
    if (schemas.length === 0) continue;
    if (w.settingsError) {
      failed.push(`warehouse "${w.name}": ${w.settingsError}`);
      continue;
    }
    const loader = loaderFor(w.type, w.settings);
    try {
      for (const s of schemas) removed += await loader.deleteUser(s.schemaName, req.idType, req.idValue);
    } catch (err) {
      // The others still get the request; this one is named in the request's error.
      failed.push(`warehouse "${w.name}": ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await loader.close().catch(() => {});
    }
  }
  if (failed.length) throw new DeletionIncomplete(failed.join("; "), removed);
  return removed;
}
