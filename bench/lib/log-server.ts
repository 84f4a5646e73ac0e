import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  parentPort,
  Worker,
  workerData,
} from "node:worker_threads";
import Database from "better-sqlite3";
import { correctedTimestamp, type RequestContext } from "@/lib/ingest/enrich";
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES } from "@/lib/ingest/limits";
import { prepareMessages } from "@/lib/ingest/prepare";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import type { ArchivedMessage } from "@/lib/ingest/store";
import { isIsoTimestamp, isPlainObject, validateMessage } from "@/lib/ingest/validate";

// A PROTOTYPE of the log-structured alternative, for bench/log-design.ts only: not the product.
// It measures how fast /v1/batch could be acknowledged if the ack path did only what must happen
// before the answer (parse, validate, compute the enrichment, append the raw body plus a sidecar
// to an append-only log, fdatasync), and everything per message (dedup, the archive row and its
// indexes) happened afterwards in an "indexer" that applies the product's own prepareMessages
// and SqliteArchiveStore to the logged requests.
//
//   node --import tsx bench/lib/log-server.ts DB_FILE WRITE_KEY WORKSPACE_ID SOURCE_ID
//   LOG_WORKERS=0   parse/validate/log on the event loop; N>0: N worker threads, each owning a
//                   log partition (its own file and group commit), the event loop only does HTTP
//   LOG_INDEXER=off | normal | idle   the per-message archive behind the log; idle = nice 19
//
// Left out, so it is optimistic: the rate limiter, the tap, counters, gzip, per-item 32 KB
// checks, the single-message endpoints, crash recovery of the indexer's position in the log,
// and backpressure when the indexer falls behind (here its queue just grows in memory).

interface Job {
  id: number;
  body: ArrayBuffer;
  receivedAt: number;
  ip: string;
}

interface Answer {
  id: number;
  status: number;
  response: string;
  events: number;
}

interface Shared {
  dbFile: string;
  workspaceId: string;
  sourceId: string;
  logDir: string;
  indexed: SharedArrayBuffer;
}

function nameThread(name: string, nice?: number): void {
  try {
    fs.writeFileSync("/proc/thread-self/comm", name);
    if (nice !== undefined) {
      const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
      os.setPriority(tid, nice);
    }
  } catch {
    // Not Linux: unnamed, default priority.
  }
}

/** An append-only file with group commit: whatever was written while one fdatasync ran waits for the next. */
class LogPartition {
  private written: (() => void)[] = [];
  private flushing = false;
  private readonly fd: number;

  constructor(file: string) {
    this.fd = fs.openSync(file, "a");
  }

  append(parts: Buffer[], durable: () => void): void {
    fs.writevSync(this.fd, parts);
    this.written.push(durable);
    if (!this.flushing) this.flush();
  }

  private flush(): void {
    const group = this.written;
    this.written = [];
    this.flushing = true;
    fs.fdatasync(this.fd, (err) => {
      this.flushing = false;
      if (err) throw err;
      for (const done of group) done();
      if (this.written.length > 0) this.flush();
    });
  }
}

const fail = (status: number, message: string) => ({
  status,
  response: JSON.stringify({ success: false, error: { message } }),
  events: 0,
  parts: null,
});

/**
 * Everything the ack needs: parse, validate each message, compute what the server adds (a
 * messageId when absent, the skew-corrected timestamp) into a sidecar. The raw body is what is logged.
 */
function prepare(
  buf: Buffer,
  receivedAt: number,
  ip: string,
  sourceId: string,
): { status: number; response: string; events: number; parts: Buffer[] | null } {
  let body: unknown;
  try {
    body = JSON.parse(buf.toString("utf8"));
  } catch (err) {
    return fail(400, `Invalid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(body) || !Array.isArray(body.batch)) return fail(400, '"batch" must be an array');
  const batch = body.batch as unknown[];
  if (batch.length > MAX_BATCH_MESSAGES) return fail(400, "too many messages");
  const batchSentAt = isIsoTimestamp(body.sentAt) ? body.sentAt : undefined;
  const receivedAtIso = new Date(receivedAt).toISOString();
  const lines: string[] = new Array(batch.length);
  const rejected: { index: number; reason: string }[] = [];
  for (let i = 0; i < batch.length; i++) {
    const item = batch[i];
    const reason = validateMessage(item, null);
    if (reason !== null) {
      rejected.push({ index: i, reason });
      lines[i] = `!${reason}`;
      continue;
    }
    const msg = item as Record<string, unknown>;
    const generated = msg.messageId === undefined || msg.messageId === null ? randomUUID() : "";
    const sentAt = typeof msg.sentAt === "string" ? msg.sentAt : batchSentAt;
    const ts = msg.timestamp;
    const timestamp =
      typeof ts === "string" ? ((sentAt && correctedTimestamp(receivedAt, sentAt, ts)) ?? ts) : receivedAtIso;
    lines[i] = `${generated}\t${timestamp}`;
  }
  const sidecar = Buffer.from(lines.join("\n"));
  const header = Buffer.from(
    `${JSON.stringify({ receivedAt, ip, sourceId, body: buf.length, sidecar: sidecar.length })}\n`,
  );
  const response = rejected.length === 0 ? '{"success":true}' : JSON.stringify({ success: true, rejected });
  return { status: 200, response, events: batch.length, parts: [header, buf, sidecar] };
}

function parseWorker(): void {
  const { logDir, sourceId, index, indexer } = workerData as Shared & {
    index: number;
    indexer: MessagePort | null;
  };
  nameThread(`log-parse-${index}`);
  const log = new LogPartition(path.join(logDir, `part-${index}.log`));
  parentPort!.on("message", (job: Job) => {
    const buf = Buffer.from(job.body);
    const r = prepare(buf, job.receivedAt, job.ip, sourceId);
    const answer: Answer = { id: job.id, status: r.status, response: r.response, events: r.events };
    if (r.parts === null) return parentPort!.postMessage(answer);
    log.append(r.parts, () => {
      parentPort!.postMessage(answer);
      indexer?.postMessage({ body: job.body, receivedAt: job.receivedAt, ip: job.ip }, [job.body]);
    });
  });
}

function indexerWorker(): void {
  const { dbFile, workspaceId, sourceId, indexed, nice } = workerData as Shared & { nice?: number };
  nameThread("indexer", nice);
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL"); // the log is what makes the request durable
  const store = new SqliteArchiveStore(db);
  const count = new Int32Array(indexed);
  const onRecord = (rec: { body: ArrayBuffer; receivedAt: number; ip: string }) => {
    const parsed = JSON.parse(Buffer.from(rec.body).toString("utf8")) as {
      batch: unknown[];
      sentAt?: string;
    };
    const ctx: RequestContext = {
      workspaceId,
      sourceId,
      receivedAt: rec.receivedAt,
      receivedAtIso: new Date(rec.receivedAt).toISOString(),
      ip: rec.ip,
      endpointType: null,
      batchSentAt: parsed.sentAt,
    };
    for (const row of prepareMessages(parsed.batch, ctx).rows) pending.push(row);
    // Up to 1,000 messages per transaction, as the product's group commit does under load.
    if (pending.length >= 1000) commit();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(commit);
    }
  };
  let pending: ArchivedMessage[] = [];
  let scheduled = false;
  const commit = () => {
    scheduled = false;
    if (pending.length === 0) return;
    store.appendSync(pending);
    Atomics.add(count, 0, pending.length);
    pending = [];
  };
  parentPort!.on("message", (msg: { port: MessagePort }) => msg.port.on("message", onRecord));
}

function main(): void {
  const [dbFile, writeKey, workspaceId, sourceId] = process.argv.slice(2) as [string, string, string, string];
  const workers = Number(process.env.LOG_WORKERS ?? 2);
  const indexerMode = process.env.LOG_INDEXER ?? "off";
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-log-"));
  const shared: Shared = { dbFile, workspaceId, sourceId, logDir, indexed: new SharedArrayBuffer(4) };
  const indexedCount = new Int32Array(shared.indexed);
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  const script = new URL("./ts-worker.mjs", import.meta.url);
  const __script = import.meta.url;

  const indexer =
    indexerMode === "off"
      ? null
      : new Worker(script, {
          workerData: { ...shared, __script, role: "indexer", nice: indexerMode === "idle" ? 19 : undefined },
        });
  const pending = new Map<number, http.ServerResponse>();
  let acked = 0;
  const answer = (a: Answer) => {
    const res = pending.get(a.id);
    if (!res) return;
    pending.delete(a.id);
    if (a.status === 200) acked += a.events;
    res.writeHead(a.status, { "content-type": "application/json" });
    res.end(a.response);
  };

  const parsers: Worker[] = [];
  for (let index = 0; index < workers; index++) {
    let port: MessagePort | null = null;
    if (indexer) {
      const channel = new MessageChannel();
      indexer.postMessage({ port: channel.port1 }, [channel.port1]);
      port = channel.port2;
    }
    const w = new Worker(script, {
      workerData: { ...shared, __script, role: "parse", index, indexer: port },
      transferList: port ? [port] : [],
    });
    w.on("message", answer);
    parsers.push(w);
  }
  // Inline mode: the same work on the event loop, one partition, the indexer fed directly.
  const inlineLog = workers === 0 ? new LogPartition(path.join(logDir, "part-0.log")) : null;
  const inlineIndexer = workers === 0 && indexer ? new MessageChannel() : null;
  if (inlineIndexer) indexer!.postMessage({ port: inlineIndexer.port1 }, [inlineIndexer.port1]);

  let nextId = 0;
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/stats") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ acked, indexed: Atomics.load(indexedCount, 0) }));
    }
    if (req.method !== "POST" || req.url !== "/v1/batch") {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end('{"success":false,"error":{"message":"only POST /v1/batch here"}}');
    }
    if (req.headers.authorization !== auth) {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end('{"success":false,"error":{"message":"Unknown write key"}}');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BATCH_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BATCH_BYTES) {
        res.writeHead(400, { "content-type": "application/json" });
        return res.end('{"success":false,"error":{"message":"batch over 500 KB"}}');
      }
      const receivedAt = Date.now();
      const ip = req.socket.remoteAddress ?? "";
      const id = nextId++;
      pending.set(id, res);
      const joined = Buffer.concat(chunks);
      // Hand the bytes over without copying when the Buffer owns its whole ArrayBuffer (bodies
      // under 4 KB sit in Node's shared pool: those are copied out).
      const bytes = (
        joined.byteOffset === 0 && joined.byteLength === joined.buffer.byteLength
          ? joined.buffer
          : joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)
      ) as ArrayBuffer;
      const own = Buffer.from(bytes);
      if (inlineLog) {
        const r = prepare(own, receivedAt, ip, sourceId);
        const a: Answer = { id, status: r.status, response: r.response, events: r.events };
        if (r.parts === null) return answer(a);
        return inlineLog.append(r.parts, () => {
          answer(a);
          inlineIndexer?.port2.postMessage({ body: bytes, receivedAt, ip }, [bytes]);
        });
      }
      const job: Job = { id, body: bytes, receivedAt, ip };
      parsers[id % workers]!.postMessage(job, [job.body]);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on("SIGTERM", () => {
    fs.rmSync(logDir, { recursive: true, force: true });
    process.exit(0);
  });
}

if (isMainThread) main();
else if ((workerData as { role: string }).role === "parse") parseWorker();
else indexerWorker();
