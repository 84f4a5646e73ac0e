// One function instance's sandbox thread: a QuickJS (WebAssembly) runtime with a memory limit and
// an interrupt handler that stops any invocation past its CPU budget. The function's code never
// runs on the thread that serves ingest and the console, and one function per thread means a
// function that loops or allocates slows down only itself. Plain CommonJS so the thread needs no
// TypeScript loader (like lib/ingest/sqlite-writer.worker.cjs).
//
// Protocol (host -> thread): { op: "invoke", items: [{ id, mode, payload, settings }] },
// { op: "fetched", fetchId, answer }, { op: "ping" }.
// Thread -> host: { op: "ready", handlers } | { op: "failed", error }, { op: "results", items },
// { op: "fetch", fetchId, id, request }, { op: "pong" }.
const fs = require("node:fs");
const path = require("node:path");
const nodeCrypto = require("node:crypto");
const { parentPort, workerData } = require("node:worker_threads");
const { newQuickJSWASMModuleFromVariant, newVariant } = require("quickjs-emscripten-core");
const variantModule = require("@jitl/quickjs-wasmfile-release-sync");

const PRELUDE = fs.readFileSync(path.join(__dirname, "prelude.js"), "utf8");
const { kind, code, limits, clock, clockBase, wasmModule } = workerData;
// Shared with the host's watchdog: [0] the invocation inside the VM (-1 loading, 0 none),
// [1] when that entry began (ms since clockBase). C built-ins (a huge Array.prototype.fill) do not
// poll the interrupt handler, so the host ends the whole thread if an entry outlives its budget.
const watch = new Int32Array(clock);

/** Invocation id -> its bookkeeping. */
const calls = new Map();
/** Fetch id -> { deferred, call } while the host performs it. */
const fetches = new Map();
let nextFetchId = 1;
let outbox = [];

// CPU accounting: every entry into the VM is charged to one invocation (the one being started, or
// the one whose fetch answer is being delivered), and the job queue is drained before it returns.
let current = null;
let entryStart = 0;
let entryBudget = 0;

function post(message) {
  parentPort.postMessage(message);
}

function queueResult(result) {
  outbox.push(result);
}

/** Sends what finished while handling one message from the host, in one message back. */
function flushResults() {
  if (outbox.length === 0) return;
  const items = outbox;
  outbox = [];
  post({ op: "results", items });
}

function overBudget() {
  return performance.now() - entryStart > entryBudget;
}

async function main() {
  // The host compiles the engine once per process and shares the compiled module with every
  // thread: compiling (and warming up) 500 KB of WebAssembly per thread would cost ~100 ms each.
  //
  // The memory limit is the WebAssembly memory's maximum: the engine's 16 MB starting heap plus
  // the function's limit. QuickJS's own malloc limit cannot be used: built for WebAssembly it has
  // no malloc_usable_size, so it counts allocations, not bytes (a 1 MB typed array or string
  // passes it). Growing past the maximum fails, malloc returns NULL and QuickJS throws
  // "out of memory", which ends the invocation (and then the thread, to start clean).
  const PAGE = 65536;
  const BASE_PAGES = 256;
  const wasmMemory = new WebAssembly.Memory({
    initial: BASE_PAGES,
    maximum: BASE_PAGES + Math.ceil((limits.memoryMb * 1024 * 1024) / PAGE),
  });
  const baseVariant = variantModule.default ?? variantModule;
  const QuickJS = await newQuickJSWASMModuleFromVariant(
    newVariant(baseVariant, wasmModule ? { wasmModule, wasmMemory } : { wasmMemory }),
  );
  const rt = QuickJS.newRuntime();
  rt.setMaxStackSize(limits.stackKb * 1024);
  rt.setInterruptHandler(overBudget);
  const vm = rt.newContext();

  /** Runs fn as one VM entry charged to `call` (null: loading), then drains the job queue. */
  // call: an invocation; null: loading the function's code (its top level counts against
  // loadMs); "runtime": installing the runtime itself, which is ours and has no budget (on a
  // loaded machine it can take a while, and that must not fail the function).
  function enter(call, fn) {
    const invocation = call === "runtime" ? null : call;
    current = invocation;
    entryStart = performance.now();
    Atomics.store(watch, 1, Date.now() - clockBase);
    Atomics.store(watch, 0, invocation ? invocation.id : call === "runtime" ? -2 : -1);
    entryBudget = invocation
      ? limits.cpuMs - invocation.cpuMs
      : call === "runtime"
        ? Infinity
        : limits.loadMs;
    call = invocation;
    try {
      const value = fn();
      for (;;) {
        const jobs = rt.executePendingJobs();
        if (!jobs.error) break;
        jobs.error.dispose();
        // An interrupted job: the invocation it belonged to is over budget. Jobs left in the
        // queue get a budget of their own rather than being interrupted too.
        if (call && overBudget()) markTimedOut(call);
        entryStart = performance.now();
        entryBudget = limits.cpuMs;
      }
      return value;
    } finally {
      Atomics.store(watch, 0, 0);
      if (call) call.cpuMs += performance.now() - entryStart;
      current = null;
    }
  }

  // ---- host bindings (strings in, strings out) --------------------------------------------------
  const host = vm.newObject();
  const bind = (name, fn) => {
    const f = vm.newFunction(name, fn);
    vm.setProp(host, name, f);
    f.dispose();
  };
  bind("log", (levelH, lineH) => {
    const call = current;
    if (!call) return;
    const line = vm.getString(lineH);
    const level = vm.getString(levelH);
    if (call.logs.length >= limits.logLines || call.logBytes + line.length > limits.logBytes) {
      call.logsDropped++;
      return;
    }
    call.logBytes += line.length;
    call.logs.push({ level, message: line });
  });
  bind("emit", (jsonH) => {
    const call = current;
    if (!call) throw new Error("Segment calls are only possible while onRequest runs");
    const json = vm.getString(jsonH);
    call.outputBytes += json.length;
    if (call.outputBytes > limits.outputBytes) {
      call.overflow = true;
      return { error: vm.newError(`Output limit of ${limits.outputBytes} bytes per invocation exceeded`) };
    }
    if (call.emitted.length >= limits.emitCalls) {
      call.overflow = true;
      return { error: vm.newError(`At most ${limits.emitCalls} Segment calls per invocation`) };
    }
    call.emitted.push(json);
  });
  bind("url", (inputH, baseH) => {
    try {
      const base = vm.getString(baseH);
      const u = base ? new URL(vm.getString(inputH), base) : new URL(vm.getString(inputH));
      return vm.newString(
        JSON.stringify({
          protocol: u.protocol,
          username: u.username,
          password: u.password,
          host: u.host,
          hostname: u.hostname,
          port: u.port,
          pathname: u.pathname,
          search: u.search,
          hash: u.hash,
        }),
      );
    } catch {
      return vm.newString("");
    }
  });
  bind("codec", (opH, dataH) => {
    const op = vm.getString(opH);
    const data = vm.getString(dataH);
    try {
      return vm.newString(codec(op, data));
    } catch (err) {
      return { error: vm.newError(err.message) };
    }
  });
  bind("crypto", (specH) => {
    try {
      return vm.newString(cryptoOp(JSON.parse(vm.getString(specH))));
    } catch (err) {
      return { error: vm.newError(err.message) };
    }
  });
  // Answers a promise for the host's JSON answer, or the answer itself when refused outright.
  bind("fetch", (requestH) => {
    const call = current;
    if (!call) {
      const error = { type: "invalid", message: "fetch is only possible while a handler runs" };
      return vm.newString(JSON.stringify({ error }));
    }
    if (call.fetchCount >= limits.fetchCalls) {
      call.fetchLimitHit = true;
      const error = {
        type: "limit",
        message: `fetch limit of ${limits.fetchCalls} calls per invocation reached`,
      };
      return vm.newString(JSON.stringify({ error }));
    }
    call.fetchCount++;
    const deferred = vm.newPromise();
    const fetchId = nextFetchId++;
    fetches.set(fetchId, { deferred, call });
    call.pendingFetches++;
    post({ op: "fetch", fetchId, id: call.id, request: vm.getString(requestH) });
    return deferred.handle;
  });

  function settle(deferred, answer) {
    const s = vm.newString(JSON.stringify(answer));
    deferred.resolve(s);
    s.dispose();
    deferred.dispose();
  }

  // ---- load the runtime, then the function's code -------------------------------------------------
  let api;
  try {
    api = enter("runtime", () => {
      const factory = vm.unwrapResult(vm.evalCode(PRELUDE, "runtime.js"));
      const kindH = vm.newString(kind);
      const result = vm.callFunction(factory, vm.undefined, vm.global, kindH, host);
      factory.dispose();
      kindH.dispose();
      return vm.unwrapResult(result);
    });
    host.dispose();
    const loaded = enter(null, () => vm.evalCode(code, "function.js", { type: "global", strict: false }));
    if (loaded.error) {
      const error = outcomeOfException(vm.dump(loaded.error), overBudget() ? "timeout" : null);
      loaded.error.dispose();
      return post({ op: "failed", error });
    }
    loaded.value.dispose();
  } catch (err) {
    return post({ op: "failed", error: { name: "Error", message: String(err?.message ?? err) } });
  }
  const invokeFn = vm.getProp(api, "invoke");
  const handlersFn = vm.getProp(api, "handlers");
  const handlers = enter("runtime", () => {
    const r = vm.unwrapResult(vm.callFunction(handlersFn, api));
    const list = JSON.parse(vm.getString(r));
    r.dispose();
    return list;
  });
  post({ op: "ready", handlers });

  // ---- invocations ------------------------------------------------------------------------------
  function start(item) {
    const call = {
      id: item.id,
      cpuMs: 0,
      logs: [],
      logBytes: 0,
      logsDropped: 0,
      emitted: [],
      outputBytes: 0,
      overflow: false,
      fetchCount: 0,
      fetchLimitHit: false,
      pendingFetches: 0,
      promise: null,
      done: false,
    };
    calls.set(call.id, call);
    enter(call, () => {
      const mode = vm.newString(item.mode);
      const payload = vm.newString(item.payload);
      const settings = vm.newString(item.settings);
      const r = vm.callFunction(invokeFn, api, mode, payload, settings);
      mode.dispose();
      payload.dispose();
      settings.dispose();
      if (r.error) {
        // Only an interrupt or an out-of-memory can escape the runtime's try/catch.
        const dumped = vm.dump(r.error);
        r.error.dispose();
        finish(call, outcomeOfException(dumped, overBudget() ? "timeout" : null));
        return;
      }
      call.promise = r.value;
    });
    check(call);
  }

  /** Settles the invocation once its promise has; a pending one waits for its fetches. */
  function check(call) {
    if (call.done || !call.promise) return;
    const state = vm.getPromiseState(call.promise);
    if (state.type === "pending") {
      // Nothing left that could settle it: the code awaits a promise that never resolves.
      if (call.pendingFetches === 0) finish(call, hung());
      return;
    }
    if (state.type === "fulfilled") {
      const text = vm.getString(state.value);
      state.value.dispose();
      // "=<json>": ok with an output event (see invoke in prelude.js); otherwise an outcome object.
      finish(call, text.charCodeAt(0) === 61 ? { outcome: "ok", output: text.slice(1) } : JSON.parse(text));
    } else {
      const dumped = vm.dump(state.error);
      state.error.dispose();
      finish(call, outcomeOfException(dumped, null));
    }
  }

  function markTimedOut(call) {
    if (call.done) return;
    finish(call, {
      outcome: "timeout",
      name: "TimeoutError",
      message: `The function used more than its CPU time limit of ${limits.cpuMs} ms and was stopped`,
    });
  }

  function finish(call, result) {
    if (call.done) return;
    call.done = true;
    calls.delete(call.id);
    if (call.promise) call.promise.dispose();
    let outcome = result;
    const outputSize = typeof result.output === "string" ? result.output.length : 0;
    if (call.overflow || outputSize > limits.outputBytes) {
      outcome = {
        outcome: "output_limit",
        name: "OutputLimitError",
        message:
          result.outcome === "error" && call.overflow
            ? result.message
            : `The function's output exceeded its limit of ${limits.outputBytes} bytes`,
      };
    } else if (
      result.outcome === "error" &&
      result.name === "InternalError" &&
      result.message === "interrupted"
    ) {
      // The interrupt reached the handler's await as a rejection (async code): still the limit.
      outcome = outcomeOfException(null, "timeout");
    } else if (result.outcome === "error" && /out of memory/i.test(result.message ?? "")) {
      outcome = {
        outcome: "memory",
        name: "MemoryLimitError",
        message: `The function ran out of memory (limit ${limits.memoryMb} MB) and was stopped`,
      };
    }
    if (call.logsDropped)
      call.logs.push({ level: "warn", message: `[${call.logsDropped} more log lines dropped]` });
    queueResult({
      ...outcome,
      id: call.id,
      logs: call.logs,
      // Segment calls count only when onRequest finished: a request that failed emits nothing.
      emitted: outcome.outcome === "ok" ? call.emitted : [],
      cpuMs: Math.round(call.cpuMs * 1000) / 1000,
      fetchCount: call.fetchCount,
      fatal: outcome.outcome === "memory",
    });
  }

  parentPort.on("message", (msg) => {
    handle(msg);
    flushResults();
  });

  function handle(msg) {
    if (msg.op === "invoke") {
      for (const item of msg.items) start(item);
    } else if (msg.op === "fetched") {
      const f = fetches.get(msg.fetchId);
      if (!f) return;
      fetches.delete(msg.fetchId);
      f.call.pendingFetches--;
      if (f.call.done) {
        f.deferred.dispose();
        return;
      }
      enter(f.call, () => settle(f.deferred, msg.answer));
      check(f.call);
      // Answers may also settle other invocations waiting on shared promises (cache.load).
      for (const other of calls.values()) if (other !== f.call) check(other);
    } else if (msg.op === "cancel") {
      const call = calls.get(msg.id);
      if (call) {
        call.done = true;
        calls.delete(call.id);
      }
    } else if (msg.op === "ping") {
      post({ op: "pong" });
    }
  }
}

function hung() {
  return {
    outcome: "error",
    name: "Error",
    message: "The handler awaited a promise that can never settle (timers are not available in functions)",
  };
}

/** A value dumped from the VM (an exception) as an outcome. */
function outcomeOfException(dumped, forced) {
  const name = dumped && typeof dumped === "object" ? String(dumped.name ?? "Error") : "Error";
  const message = dumped && typeof dumped === "object" ? String(dumped.message ?? "") : String(dumped);
  if (forced === "timeout" || (name === "InternalError" && message === "interrupted"))
    return {
      outcome: "timeout",
      name: "TimeoutError",
      message: `The function used more than its CPU time limit of ${limits.cpuMs} ms and was stopped`,
    };
  return {
    outcome: "error",
    name,
    message: message.slice(0, 2000),
    stack: String(dumped?.stack ?? "").slice(0, 2000),
  };
}

const ENCODINGS = new Set(["utf8", "utf-8", "base64", "base64url", "hex", "latin1", "binary", "ascii"]);
function encodingOf(name) {
  const e = String(name).toLowerCase();
  if (!ENCODINGS.has(e)) throw new Error(`Unsupported encoding "${name}"`);
  return e === "utf-8" ? "utf8" : e;
}

function bufferOf(part) {
  return typeof part === "string" ? Buffer.from(part, "utf8") : Buffer.from(part.b64, "base64");
}

function codec(op, data) {
  if (data.length > limits.outputBytes) throw new Error("Input too large");
  if (op === "btoa") {
    if ([...data].some((ch) => ch.charCodeAt(0) > 255))
      throw new Error("btoa: the string contains characters outside Latin-1");
    return Buffer.from(data, "latin1").toString("base64");
  }
  if (op === "atob") return Buffer.from(data, "base64").toString("latin1");
  if (op === "bytes") return Buffer.from(JSON.parse(data).map((n) => Number(n) & 255)).toString("base64");
  if (op.startsWith("from:")) return Buffer.from(data, encodingOf(op.slice(5))).toString("base64");
  if (op.startsWith("to:")) return Buffer.from(data, "base64").toString(encodingOf(op.slice(3)));
  throw new Error(`Unknown conversion ${op}`);
}

const DIGESTS = new Set(["sha1", "sha256", "sha384", "sha512", "md5"]);
function cryptoOp(spec) {
  if (spec.op === "uuid") return nodeCrypto.randomUUID();
  const algorithm = String(spec.algorithm).toLowerCase();
  if (!DIGESTS.has(algorithm)) throw new Error(`Unsupported digest algorithm "${spec.algorithm}"`);
  const h =
    spec.op === "hmac"
      ? nodeCrypto.createHmac(algorithm, bufferOf(spec.key ?? ""))
      : nodeCrypto.createHash(algorithm);
  for (const part of spec.parts) h.update(bufferOf(part));
  return h.digest(encodingOf(spec.encoding));
}

main().catch((err) => post({ op: "failed", error: { name: "Error", message: String(err?.message ?? err) } }));
