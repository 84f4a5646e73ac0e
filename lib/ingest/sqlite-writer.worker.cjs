// Archive threads (see checkpointer.ts and worker-store.ts). Plain CommonJS on purpose: it
// must load the same way under tsx, vitest and a bundled build, without a TypeScript loader.
//
// role "checkpointer": copies the WAL back into the database whenever 1 MB of payload was
//   committed since its last run, and at least ten times a second. PASSIVE never blocks the
//   writer, so the ingest connection can turn automatic checkpoints off (measured: a 4 MB
//   autocheckpoint inside a commit stalled it for up to 70 ms).
// role "writer": owns one connection and runs each group commit as one IMMEDIATE transaction,
//   then makes it durable with fdatasync of the WAL on libuv's thread pool, answering only once
//   that returns. It commits the next group while the previous one is being flushed, so inserts
//   and fsyncs overlap (see "Durable before acknowledged" in docs/tracking-api.md). Between
//   flushes it restarts an oversized WAL when that is cheap (walValve in checkpointer.ts).

const fs = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const { createAppender } = require("./sqlite-append.cjs");
const { createSchemaWriter } = require("../protocols/sql.cjs");
const { walWritten } = require("./wal-written.cjs");
const Database = require(workerData.driverPath);

// Named for `top -H` and per-thread CPU accounting (bench/budget.ts); Linux only, best effort.
try {
  fs.writeFileSync(
    "/proc/thread-self/comm",
    workerData.role === "writer" ? "archive-writer" : "wal-checkpoint",
  );
} catch {
  // Not Linux, or /proc not mounted.
}

const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma("journal_mode = WAL");
// The writer flushes the WAL itself after each commit (runWriter). NORMAL still syncs the WAL
// before and the database after every checkpoint, so a WAL restart never loses a commit.
db.pragma(`synchronous = ${workerData.role === "writer" ? "NORMAL" : "FULL"}`);
db.pragma(`journal_size_limit = ${workerData.maxWalBytes}`);

if (workerData.role === "checkpointer") runCheckpointer();
else runWriter();

function runCheckpointer() {
  // Sleeps until the writers have committed checkpointBytes of payload since the last run (they
  // notify `written`, see wal-written.cjs) or checkpointIntervalMs has passed, or "stop" comes.
  const written = workerData.written;
  let stopped = false;
  parentPort.on("message", (msg) => {
    if (msg !== "stop") return;
    stopped = true;
    Atomics.notify(written, 0);
  });
  const loop = async () => {
    while (!stopped) {
      const deadline = performance.now() + workerData.checkpointIntervalMs;
      for (;;) {
        const seen = Atomics.load(written, 0);
        const left = deadline - performance.now();
        if (stopped || seen >= workerData.checkpointBytes || left <= 0) break;
        const wait = Atomics.waitAsync(written, 0, seen, left);
        if (wait.async) await wait.value;
      }
      if (stopped) break;
      Atomics.store(written, 0, 0);
      try {
        const [result] = db.pragma("wal_checkpoint(PASSIVE)");
        // Caught up with the WAL as it was when this run began: tell the writer (walValve).
        if (result && result.busy === 0 && result.checkpointed === result.log)
          Atomics.store(workerData.caughtUp, 0, 1);
      } catch {
        // Busy or locked: next time.
      }
    }
    db.close();
    parentPort.close();
  };
  void loop();
}

function runWriter() {
  if (workerData.managedCheckpoints) db.pragma("wal_autocheckpoint = 0");
  const FIELDS = workerData.fieldsPerRow;
  // Shared with the checkpointer thread when one runs (managedCheckpoints), else null.
  const written = workerData.written ?? null;
  const append = createAppender(db, workerData.appendSql);

  // rows: flat array, FIELDS values per message (see packRows in worker-store.ts).
  const insertRow = (statement, rows, i) =>
    statement.run(
      rows[i],
      rows[i + 1],
      rows[i + 2],
      rows[i + 11],
      rows[i + 3],
      rows[i + 4],
      rows[i + 5],
      rows[i + 6],
      rows[i + 7],
      rows[i + 8],
      rows[i + 9],
      rows[i + 10],
      rows[i + 13],
    );

  // The Source Schema's aggregates (lib/protocols/sql.cjs) are summed across groups and written
  // inside a group's transaction at most every schemaFlushMs (or after 5,000 messages), or by an
  // idle timer: with small groups (single calls), upserting per group cost ~10% of throughput. A
  // crash can lose at most that much of the counts; never a message.
  const schema = createSchemaWriter(db);
  const schemaFlushMs = workerData.schemaFlushMs ?? 250;
  let lastSchemaFlush = 0;
  let schemaTimer = null;
  const writeGroup = db.transaction((rows, seqs, observations) => {
    for (let r = 0, i = 0; i < rows.length; r++, i += FIELDS) {
      const seq = append(insertRow, rows, i, rows[i], rows[i + 11], rows[i + 12]);
      seqs[r] = seq;
      if (seq >= 0 && rows[i + 7] === "accepted")
        schema.add(
          rows[i + 1],
          rows[i + 14] >= 0 ? observations[rows[i + 14]] : null,
          rows[i + 13],
          rows[i + 9],
          rows[i + 2],
        );
    }
    const now = Date.now();
    if (schema.pending() > 0 && (now - lastSchemaFlush >= schemaFlushMs || schema.pending() >= 5000)) {
      schema.flush(now);
      lastSchemaFlush = now;
    }
  }).immediate;
  const flushSchema = db.transaction(() => {
    if (schema.pending() > 0) schema.flush(Date.now());
    lastSchemaFlush = Date.now();
  }).immediate;
  function flushSchemaLater() {
    if (schemaTimer || schema.pending() === 0) return;
    schemaTimer = setTimeout(() => {
      schemaTimer = null;
      try {
        flushSchema();
      } catch {
        schema.reset(); // busy or failing disk: the counts of that window are lost, not the messages
      }
    }, schemaFlushMs);
  }

  // walValve in checkpointer.ts, on this thread.
  const walFile = `${workerData.file}-wal`;
  const caughtUp = workerData.caughtUp;
  function boundWal() {
    if (Atomics.load(caughtUp, 0) !== 1) return;
    try {
      if (fs.statSync(walFile).size <= workerData.maxWalBytes) return;
      Atomics.store(caughtUp, 0, 0);
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // No WAL file, or busy: next time.
    }
  }

  // The WAL file this connection writes to. fdatasync through any descriptor flushes the file's
  // data; the device/inode check guards against a WAL that was deleted and created again.
  let walFd = -1;
  let walId = "";
  function walDescriptor() {
    const st = fs.statSync(walFile);
    const id = `${st.dev}:${st.ino}`;
    if (walFd >= 0 && id === walId) return walFd;
    closeWal();
    walFd = fs.openSync(walFile, "r+");
    walId = id;
    return walFd;
  }
  function closeWal() {
    if (walFd >= 0) fs.closeSync(walFd);
    walFd = -1;
  }

  // Committed groups waiting for a flush; one fdatasync in flight covers every group committed
  // before it started.
  let committed = [];
  let flushing = false;
  // Set when a flush fails: the disk refused, nothing committed since the last good flush can be
  // called durable, and a later flush could "succeed" over pages the kernel already dropped. So
  // every group from then on fails too (the clients get 503 and retry) until the process is
  // restarted, the way PostgreSQL stops on a failed fsync.
  let broken = null;
  function flush() {
    if (flushing || committed.length === 0) return;
    const groups = committed;
    committed = [];
    flushing = true;
    const settle = (err) => {
      flushing = false;
      if (err && !broken) {
        broken = `could not flush the WAL: ${err.message}; the archive refuses writes until restarted`;
        console.error(`[switchyard] ${broken}`);
        closeWal();
      }
      for (const g of groups) {
        if (broken) parentPort.postMessage({ id: g.id, error: broken });
        else parentPort.postMessage({ id: g.id, seqs: g.seqs }, [g.seqs.buffer]);
      }
      if (workerData.managedCheckpoints && !broken) boundWal();
      flush();
    };
    // Tests only: a flush that fails must fail its groups' appends, never acknowledge them.
    if (workerData.testFlushError) return settle(new Error(workerData.testFlushError));
    try {
      fs.fdatasync(walDescriptor(), settle);
    } catch (err) {
      settle(err);
    }
  }

  const pause = new Int32Array(new SharedArrayBuffer(4));
  parentPort.on("message", (job) => {
    if (job === "close") {
      if (schemaTimer) clearTimeout(schemaTimer);
      try {
        flushSchema();
      } catch {
        // closing anyway
      }
      closeWal();
      db.close();
      parentPort.close();
      return;
    }
    if (broken) {
      parentPort.postMessage({ id: job.id, error: broken });
      return;
    }
    const seqs = new Float64Array(job.rows.length / FIELDS);
    // Tests only: hold the commit back, so an acknowledgement sent before it would be caught.
    if (workerData.commitDelayMs > 0) Atomics.wait(pause, 0, 0, workerData.commitDelayMs);
    try {
      writeGroup(job.rows, seqs, job.observations ?? []);
    } catch (err) {
      schema.reset();
      parentPort.postMessage({ id: job.id, error: String(err?.message ?? err) });
      return;
    }
    committed.push({ id: job.id, seqs });
    flushSchemaLater();
    flush();
    if (written) walWritten(written, job.bytes, workerData.checkpointBytes);
  });
}
