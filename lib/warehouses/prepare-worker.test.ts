import fs from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { archive, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";
import { repoPath } from "@/lib/threads/repo-worker";
import type { FromThread, ToThread } from "./prepare-thread";

// A preparing thread loads its code as one bundled JavaScript file (prepare-worker.mjs), not
// through tsx: a thread loading TypeScript module by module cost ~0.45 s of CPU before its first
// batch. The bundle is rebuilt when a file it was built from changes.

const STAMP = repoPath("node_modules", ".cache", "switchyard", "prepare-thread.json");

/** Starts a thread, has it prepare one batch of a fresh archive, and answers the batch and the thread's stderr. */
async function prepareOneBatch() {
  const { db, file } = tempDb("switchyard-prepare-worker-");
  const where = insertWorkspaceAndSource(db);
  archive(db, where, [
    { type: "track", event: "Order Completed", userId: "u1", properties: { total: 12 } },
    { type: "identify", userId: "u1", traits: { plan: "pro" } },
  ]);
  db.close();
  const worker = new Worker(repoPath("lib", "warehouses", "prepare-worker.mjs"), { stderr: true });
  let stderr = "";
  worker.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  try {
    const answer = new Promise<FromThread>((resolve, reject) => {
      worker.on("message", (m: FromThread) => {
        if (m.type !== "bounds") resolve(m);
      });
      worker.on("error", reject);
    });
    const job = {
      id: 1,
      archive: { kind: "sqlite" as const, file },
      setup: { schemas: { [where.sourceId]: "shop" }, selection: { tables: [], columns: [] }, columns: {} },
      sourceIds: [where.sourceId],
      clockOffset: 0,
    };
    worker.postMessage({ type: "job", job } satisfies ToThread);
    worker.postMessage({ type: "batch", index: 0, after: 0, size: 100 } satisfies ToThread);
    return { answer: await answer, stderr };
  } finally {
    await worker.terminate();
  }
}

describe("a preparing thread's code", () => {
  it("is bundled into one file and loaded from it, and bundled again when a source file changes", async () => {
    const first = await prepareOneBatch();
    expect(first.answer).toMatchObject({ type: "batch", batch: { count: 2 } });
    const tables = (first.answer as { batch: { loads: { plan: { table: string } }[] } }).batch.loads.map(
      (l) => l.plan.table,
    );
    expect(tables).toEqual(expect.arrayContaining(["tracks", "order_completed", "identifies", "users"]));
    expect(first.stderr).not.toContain("through tsx");
    const stamp = JSON.parse(fs.readFileSync(STAMP, "utf8")) as {
      bundle: string;
      inputs: Record<string, [number, number]>;
    };
    expect(fs.existsSync(repoPath("node_modules", ".cache", "switchyard", stamp.bundle))).toBe(true);
    expect(Object.keys(stamp.inputs)).toEqual(
      expect.arrayContaining(["lib/warehouses/prepare-thread.ts", "lib/warehouses/flatten.ts"]),
    );

    // A source file touched since: the next thread bundles again (the stamp takes its new time).
    const source = repoPath("lib", "warehouses", "naming.ts");
    const touched = new Date(Math.floor(Date.now() / 1000) * 1000);
    fs.utimesSync(source, touched, touched);
    const second = await prepareOneBatch();
    expect(second.answer).toMatchObject({ type: "batch", batch: { count: 2 } });
    expect(second.stderr).not.toContain("through tsx");
    const restamped = JSON.parse(fs.readFileSync(STAMP, "utf8")) as typeof stamp;
    expect(restamped.inputs["lib/warehouses/naming.ts"]![1]).toBe(touched.getTime());
  });
});
