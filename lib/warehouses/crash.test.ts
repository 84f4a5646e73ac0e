import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  archive,
  insertDestination,
  insertWorkspaceAndSource,
  TEST_KEY,
  tempDb,
} from "@/lib/delivery/testing/fixtures";
import * as store from "./store";
import { type TempPostgres, tempPostgres } from "./testing";

// kill -9 during a load, then restart: every message is in the warehouse exactly once.

let pgdb: TempPostgres;
beforeAll(async () => {
  pgdb = await tempPostgres("sy_wh_crash");
});
afterAll(async () => {
  await pgdb?.drop();
});

const root = path.resolve(import.meta.dirname, "../..");

function child(
  file: string,
  batch: number,
  hold: number,
): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", "lib/warehouses/crash-child.ts", file, TEST_KEY, String(batch), String(hold)],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines: string[] = [];
  proc.stdout!.on("data", (d: Buffer) => lines.push(...d.toString().trim().split("\n")));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, lines, exited };
}

async function waitForAny(lines: string[], texts: string[]) {
  for (let i = 0; i < 1200 && !texts.some((t) => lines.includes(t)); i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(lines.filter((l) => texts.includes(l))).not.toEqual([]);
}

async function waitFor(lines: string[], text: string) {
  for (let i = 0; i < 1200 && !lines.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
  expect(lines).toContain(text);
}

it("a load killed with SIGKILL (between commit and cursor, and at random moments) resumes with exact counts", async () => {
  const { db, file } = tempDb("switchyard-warehouse-crash-");
  const { workspaceId, sourceId } = insertWorkspaceAndSource(db);
  const destinationId = insertDestination(db, {
    workspaceId,
    sourceIds: [sourceId],
    type: "postgres",
    settings: { ...pgdb.settings },
    enabled: false,
  });
  let N = 0;
  const add = (count: number) => {
    for (let end = N + count; N < end; N += 500)
      archive(
        db,
        { workspaceId, sourceId },
        Array.from({ length: 500 }, (_, j) => ({
          type: "track",
          event: "Item Viewed",
          userId: `u${(N + j) % 37}`,
          messageId: `m-${N + j}`,
          properties: { n: N + j },
        })),
      );
  };
  add(3000);
  const queue = () => store.queueRun(db, { id: destinationId, workspaceId }, "manual", Date.now(), null);

  // 1. Dies after the second batch's tables committed, before the cursor moved past it.
  queue();
  const first = child(file, 500, 2);
  await waitFor(first.lines, "committed 2");
  first.proc.kill("SIGKILL");
  await first.exited;
  expect(store.findState(db, destinationId)!.lastSeq).toBeGreaterThan(0);

  // 2. Dies at arbitrary moments (inside table transactions as often as not).
  //    On a quiet machine a child may finish what is left before its kill: then there is
  //    nothing left to interrupt, and step 3 still checks the counts.
  for (const delay of [40, 120, 250]) {
    // New messages each time, so that a child that finished before its kill leaves the next one work.
    add(1000);
    queue();
    const c = child(file, 200, 0);
    await waitForAny(c.lines, ["committed 1", "done"]);
    if (c.lines.includes("done")) {
      await c.exited;
      break;
    }
    await new Promise((r) => setTimeout(r, delay));
    c.proc.kill("SIGKILL");
    await c.exited;
  }

  // 3. Restart and finish.
  queue();
  const last = child(file, 500, 0);
  await waitFor(last.lines, "done");
  expect(await last.exited).toBe(0);

  const schema = store.listSchemas(db, destinationId)[0]!.schemaName;
  const count = async (table: string) =>
    Number(
      (
        await pgdb.query<{ n: string }>(
          `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM "${schema}"."${table}"`,
        )
      )[0]!.n,
    );
  expect(await count("tracks")).toBe(N);
  expect(await count("item_viewed")).toBe(N);
  const sum = await pgdb.query<{ s: string }>(`SELECT SUM(n) AS s FROM "${schema}"."item_viewed"`);
  expect(Number(sum[0]!.s)).toBe((N * (N - 1)) / 2);
  const runs = store.listRuns(db, destinationId, 10);
  expect(runs[0]).toMatchObject({ status: "succeeded", pending: 0 });
  expect(runs.some((r) => r.status === "interrupted")).toBe(true);
}, 120_000);
