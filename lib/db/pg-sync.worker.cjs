// The PostgreSQL connection behind lib/db/pg-sync.ts. Plain CommonJS so it loads without a
// TypeScript loader (also from Next's server bundle). One pg.Client, so a transaction begun by
// the caller stays on this connection. Each request arrives on the port; the answer is posted
// back and the caller, blocked in Atomics.wait, is woken through the shared flag.
const { workerData } = require("node:worker_threads");
const pg = require(workerData.pgPath);

pg.types.setTypeParser(20, (v) => Number(v)); // int8: counts, epoch ms, sequence numbers
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric: SUM() of bigint
// timestamp(3) columns read through this connection stay the text PostgreSQL sends.
pg.types.setTypeParser(1114, (v) => v);
pg.types.setTypeParser(1184, (v) => v);

const flag = new Int32Array(workerData.flag);
const port = workerData.port;
// A statement (connecting included) that gets no answer within this limit fails, and its
// connection is dropped (lib/db/pg-sync.ts blockingTimeoutMs); the next one connects again.
const timeoutMs = workerData.timeoutMs;
let client = null;

async function connection() {
  if (client) return client;
  const c = new pg.Client({
    connectionString: workerData.url,
    application_name: workerData.name,
    connectionTimeoutMillis: timeoutMs,
  });
  c.on("error", () => {
    if (client === c) client = null; // reconnect on the next request
  });
  await c.connect();
  client = c;
  return c;
}

function answer(message) {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

// Requests run one after another in arrival order (one connection, one transaction at a time).
// A "quiet" request (BEGIN, SET LOCAL …) gets no answer: the caller does not wait for it. If it
// fails, the next answered request reports that error instead of running.
let deferredError = null;
let chain = Promise.resolve();

async function handle(req) {
  if (req.close) {
    if (client) await client.end().catch(() => {});
    client = null;
    answer({ ok: true });
    return;
  }
  if (deferredError && !req.quiet) {
    const error = deferredError;
    deferredError = null;
    answer({ id: req.id, error });
    return;
  }
  if (deferredError) return;
  let timer = null;
  let timedOut = false;
  try {
    const c = await connection();
    timer = setTimeout(() => {
      // No answer in time: drop the connection, which fails the statement (and ends whatever
      // transaction it was in, on the server too).
      timedOut = true;
      if (client === c) client = null;
      c.connection.stream.destroy();
    }, timeoutMs);
    const result = await c.query({ text: req.sql, values: req.params, rowMode: req.rowMode });
    if (req.quiet) return;
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    answer({
      id: req.id,
      rows: last.rows,
      rowCount: last.rowCount ?? 0,
      fields: (last.fields ?? []).map((f) => f.name),
    });
  } catch (err) {
    const error = timedOut
      ? { message: `PostgreSQL did not answer within ${timeoutMs / 1000} s` }
      : { message: err.message, code: err.code };
    if (req.quiet) deferredError = error;
    else answer({ id: req.id, error });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

port.on("message", (req) => {
  chain = chain.then(() => handle(req));
});
