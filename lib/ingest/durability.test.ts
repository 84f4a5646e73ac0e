import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openSqlite } from "@/lib/db/sqlite";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// Durable before acknowledged: a server killed with SIGKILL right after answering must still
// have every message it said 2xx to, once the database is reopened.

const ROOT = path.resolve(import.meta.dirname, "../..");
const SENT = 600;
const KILL_AFTER_ACKS = 500;

async function crashAfterAcks(writer: "thread" | "inline") {
  const file = tempDbFile("switchyard-durability-");
  const setup = openMigrated(file);
  const source = insertSource(setup);
  setup.close();

  const child = spawn(process.execPath, ["--import", "tsx", "lib/ingest/testing/serve.ts", file, "0"], {
    cwd: ROOT,
    // Slow commits keep many requests waiting for theirs when the kill lands, so a server that
    // answered before committing would lose acknowledged messages here.
    env: { ...process.env, INGEST_WRITER: writer, INGEST_TEST_COMMIT_DELAY_MS: "100" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (d: Buffer) => resolve(JSON.parse(String(d).split("\n")[0]!).port));
  });

  const acked: string[] = [];
  let killed = false;
  const send = async (i: number) => {
    const messageId = `durable-${writer}-${i}`;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/track`, {
        method: "POST",
        headers: { authorization: basicAuth(source.writeKey), "content-type": "application/json" },
        body: JSON.stringify({ userId: `u${i}`, event: "Durable", messageId, properties: { i } }),
      });
      await res.arrayBuffer();
      if (res.status !== 200 || killed) return;
      acked.push(messageId);
      if (acked.length === KILL_AFTER_ACKS) {
        killed = true;
        child.kill("SIGKILL");
      }
    } catch {
      // Requests still in flight when the process dies fail; they were never acknowledged.
    }
  };
  await Promise.all(Array.from({ length: SENT }, (_, i) => send(i)));
  expect(await exited).toBe("SIGKILL");

  const db = openSqlite(file);
  const stored = new Set(
    (
      db.prepare(`SELECT "messageId" FROM "Message" WHERE "status" = 'accepted'`).all() as {
        messageId: string;
      }[]
    ).map((r) => r.messageId),
  );
  db.close();
  removeDbFile(file);
  return { acked, stored };
}

describe("crash durability", () => {
  it.each(["thread", "inline"] as const)(
    "every acknowledged message survives SIGKILL (%s writer)",
    async (writer) => {
      const { acked, stored } = await crashAfterAcks(writer);
      expect(acked).toHaveLength(KILL_AFTER_ACKS);
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    },
    60_000,
  );
});
