// Archive threads (see checkpointer.ts and worker-store.ts). Plain CommonJS on purpose: it
// must load the same way under tsx, vitest and a bundled build, without a TypeScript loader.
//
// role "checkpointer": copies the WAL back into the database ten times a second. PASSIVE
//   never blocks the writer, so the ingest connection can turn automatic checkpoints off
//   (measured: a 4 MB autocheckpoint inside a commit stalled it for up to 70 ms).
// role "writer": owns one connection and runs each group commit as one IMMEDIATE transaction;
//   between commits it restarts an oversized WAL when that is cheap (walValve in checkpointer.ts).

const fs = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driverPath);

const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma(`journal_size_limit = ${workerData.maxWalBytes}`);

if (workerData.role === "checkpointer") runCheckpointer();
else runWriter();

function runCheckpointer() {
  const timer = setInterval(() => {
    try {
      const [result] = db.pragma("wal_checkpoint(PASSIVE)");
      // Caught up with the WAL as it was when this run began: tell the writer (walValve).
      if (result && result.busy === 0 && result.checkpointed === result.log)
        Atomics.store(workerData.caughtUp, 0, 1);
    } catch {
      // Busy or locked: next tick.
    }
  }, workerData.checkpointIntervalMs);
  parentPort.on("message", (msg) => {
    if (msg !== "stop") return;
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
}

function runWriter() {
  if (workerData.managedCheckpoints) db.pragma("wal_autocheckpoint = 0");
  const FIELDS = workerData.fieldsPerRow;
  const insertMessage = db.prepare(workerData.insertMessageSql);
  const claimMessageId = db.prepare(workerData.claimMessageIdSql);

  // rows: flat array, FIELDS values per message (see packRows in worker-store.ts).
  const writeGroup = db.transaction((rows, seqs) => {
    for (let r = 0, i = 0; i < rows.length; r++, i += FIELDS) {
      if (rows[i + 11] === 1) {
        const claimed = claimMessageId.run(rows[i], rows[i + 2], rows[i + 9], rows[i + 12]);
        if (claimed.changes === 0) {
          seqs[r] = -1;
          continue;
        }
      }
      const info = insertMessage.run(
        rows[i],
        rows[i + 1],
        rows[i + 2],
        rows[i + 3],
        rows[i + 4],
        rows[i + 5],
        rows[i + 6],
        rows[i + 7],
        rows[i + 8],
        rows[i + 9],
        rows[i + 10],
      );
      seqs[r] = Number(info.lastInsertRowid);
    }
  }).immediate;

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

  const pause = new Int32Array(new SharedArrayBuffer(4));
  parentPort.on("message", (job) => {
    const seqs = new Float64Array(job.rows.length / FIELDS);
    // Tests only: hold the commit back, so an acknowledgement sent before it would be caught.
    if (workerData.commitDelayMs > 0) Atomics.wait(pause, 0, 0, workerData.commitDelayMs);
    try {
      writeGroup(job.rows, seqs);
      parentPort.postMessage({ id: job.id, seqs }, [seqs.buffer]);
    } catch (err) {
      parentPort.postMessage({ id: job.id, error: String(err?.message ?? err) });
      return;
    }
    if (workerData.managedCheckpoints) boundWal();
  });
}
