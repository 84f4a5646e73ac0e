// The runtime a function's code sees, evaluated in its QuickJS context before that code. It is
// one function expression: the worker calls it with the global object, the function's kind and
// the host bindings (which never become globals), and keeps the object it returns. Nothing here
// can reach Node: every capability (fetch, logs, crypto, URL parsing) is a host binding that
// takes and returns strings. Built-ins and everything defined here are frozen afterwards, so
// code that overwrites fetch, JSON or Object.prototype in one invocation changes nothing for the
// next one; the function's own top-level variables do persist (Segment's documented caching).
(function install(G, kind, host) {
  const { parse, stringify } = JSON;
  const { defineProperty, getOwnPropertyNames, getOwnPropertyDescriptor, getPrototypeOf, freeze, keys } =
    Object;
  const isArray = Array.isArray;
  const StringOf = String;

  // ---- Segment's error classes ----------------------------------------------------------------
  function errorClass(name) {
    const C = class extends Error {
      constructor(message) {
        super(message === undefined ? "" : StringOf(message));
      }
    };
    defineProperty(C, "name", { value: name });
    defineProperty(C.prototype, "name", { value: name, writable: true, configurable: true });
    return C;
  }
  const RetryError = errorClass("RetryError");
  const ValidationError = errorClass("ValidationError");
  const InvalidEventPayload = errorClass("InvalidEventPayload");
  const EventNotSupported = errorClass("EventNotSupported");
  const DropEvent = errorClass("DropEvent");
  /** A network failure of fetch (node-fetch's FetchError, type "system"). Retried when uncaught. */
  class FetchError extends Error {
    constructor(message, type, code) {
      super(StringOf(message));
      this.type = type === undefined ? "system" : type;
      if (code !== undefined) this.code = code;
    }
  }
  defineProperty(FetchError.prototype, "name", { value: "FetchError", writable: true, configurable: true });

  // ---- console --------------------------------------------------------------------------------
  const MAX_ARG = 2000;
  function show(value, depth) {
    if (typeof value === "string") return value;
    if (value === undefined) return "undefined";
    if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
    if (typeof value === "symbol" || typeof value === "bigint") return StringOf(value);
    if (value instanceof Error)
      return value.stack
        ? `${value.name}: ${value.message}\n${value.stack}`
        : `${value.name}: ${value.message}`;
    if (typeof value !== "object" || value === null) return StringOf(value);
    try {
      const text = stringify(value);
      return text === undefined ? StringOf(value) : text;
    } catch {
      return depth > 0 ? "[object]" : StringOf(value);
    }
  }
  function logger(level) {
    return (...args) => {
      let line = "";
      for (let i = 0; i < args.length && line.length < MAX_ARG; i++)
        line += (i ? " " : "") + show(args[i], 0);
      host.log(level, line.length > MAX_ARG ? `${line.slice(0, MAX_ARG)}…` : line);
    };
  }
  const console = {
    log: logger("log"),
    info: logger("info"),
    debug: logger("debug"),
    warn: logger("warn"),
    error: logger("error"),
  };

  // ---- Headers, URLSearchParams, URL ----------------------------------------------------------
  class Headers {
    #map = new Map();
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) for (const [k, v] of init) this.append(k, v);
      else if (isArray(init)) for (const pair of init) this.append(pair[0], pair[1]);
      else if (typeof init === "object") for (const k of keys(init)) this.append(k, init[k]);
    }
    append(name, value) {
      const key = StringOf(name).toLowerCase();
      const prev = this.#map.get(key);
      this.#map.set(key, prev === undefined ? StringOf(value) : `${prev}, ${StringOf(value)}`);
    }
    set(name, value) {
      this.#map.set(StringOf(name).toLowerCase(), StringOf(value));
    }
    get(name) {
      const v = this.#map.get(StringOf(name).toLowerCase());
      return v === undefined ? null : v;
    }
    has(name) {
      return this.#map.has(StringOf(name).toLowerCase());
    }
    delete(name) {
      this.#map.delete(StringOf(name).toLowerCase());
    }
    forEach(fn, thisArg) {
      for (const [k, v] of this.#map) fn.call(thisArg, v, k, this);
    }
    *entries() {
      yield* this.#map.entries();
    }
    *keys() {
      yield* this.#map.keys();
    }
    *values() {
      yield* this.#map.values();
    }
    [Symbol.iterator]() {
      return this.#map.entries();
    }
    toJSON() {
      const out = {};
      for (const [k, v] of this.#map) out[k] = v;
      return out;
    }
  }

  const decode = (s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  const encode = (s) => encodeURIComponent(s).replace(/%20/g, "+");
  class URLSearchParams {
    #list = [];
    #onChange;
    constructor(init, onChange) {
      this.#onChange = typeof onChange === "function" ? onChange : null;
      if (init === undefined || init === null) return;
      if (typeof init === "string") this.#parse(init);
      else if (init instanceof URLSearchParams) for (const [k, v] of init) this.#list.push([k, v]);
      else if (isArray(init)) for (const p of init) this.#list.push([StringOf(p[0]), StringOf(p[1])]);
      else if (typeof init === "object") for (const k of keys(init)) this.#list.push([k, StringOf(init[k])]);
    }
    #parse(text) {
      const s = text.startsWith("?") ? text.slice(1) : text;
      for (const part of s.split("&")) {
        if (!part) continue;
        const eq = part.indexOf("=");
        this.#list.push(
          eq < 0 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))],
        );
      }
    }
    #changed() {
      if (this.#onChange) this.#onChange(this.toString());
    }
    get size() {
      return this.#list.length;
    }
    append(k, v) {
      this.#list.push([StringOf(k), StringOf(v)]);
      this.#changed();
    }
    set(k, v) {
      const key = StringOf(k);
      const i = this.#list.findIndex((p) => p[0] === key);
      this.#list = this.#list.filter((p, j) => p[0] !== key || j === i);
      if (i < 0) this.#list.push([key, StringOf(v)]);
      else this.#list[this.#list.findIndex((p) => p[0] === key)][1] = StringOf(v);
      this.#changed();
    }
    delete(k) {
      const key = StringOf(k);
      this.#list = this.#list.filter((p) => p[0] !== key);
      this.#changed();
    }
    get(k) {
      const p = this.#list.find((q) => q[0] === StringOf(k));
      return p ? p[1] : null;
    }
    getAll(k) {
      return this.#list.filter((q) => q[0] === StringOf(k)).map((q) => q[1]);
    }
    has(k) {
      return this.#list.some((q) => q[0] === StringOf(k));
    }
    forEach(fn, thisArg) {
      for (const [k, v] of this.#list) fn.call(thisArg, v, k, this);
    }
    *entries() {
      for (const [k, v] of this.#list) yield [k, v];
    }
    *keys() {
      for (const p of this.#list) yield p[0];
    }
    *values() {
      for (const p of this.#list) yield p[1];
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return this.#list.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
    }
  }

  class URL {
    #parts;
    #params;
    constructor(input, base) {
      const text = host.url(StringOf(input), base === undefined ? "" : StringOf(base));
      if (text === "") throw new TypeError(`Invalid URL: ${StringOf(input).slice(0, 200)}`);
      this.#parts = parse(text);
      this.#params = new URLSearchParams(this.#parts.search, (q) => {
        this.#parts.search = q ? `?${q}` : "";
      });
    }
    get href() {
      const p = this.#parts;
      const auth = p.username ? `${p.username}${p.password ? `:${p.password}` : ""}@` : "";
      return `${p.protocol}//${auth}${p.host}${p.pathname}${p.search}${p.hash}`;
    }
    get origin() {
      return `${this.#parts.protocol}//${this.#parts.host}`;
    }
    get protocol() {
      return this.#parts.protocol;
    }
    get username() {
      return this.#parts.username;
    }
    get password() {
      return this.#parts.password;
    }
    get host() {
      return this.#parts.host;
    }
    get hostname() {
      return this.#parts.hostname;
    }
    get port() {
      return this.#parts.port;
    }
    get pathname() {
      return this.#parts.pathname;
    }
    get search() {
      return this.#parts.search;
    }
    get hash() {
      return this.#parts.hash;
    }
    get searchParams() {
      return this.#params;
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
  }

  // ---- fetch ----------------------------------------------------------------------------------
  class Response {
    #body;
    constructor(body, init) {
      const o = init || {};
      this.#body = body === undefined || body === null ? "" : StringOf(body);
      this.status = o.status === undefined ? 200 : o.status;
      this.statusText = o.statusText || "";
      this.ok = this.status >= 200 && this.status < 300;
      this.headers = new Headers(o.headers);
      this.url = o.url || "";
      this.redirected = false;
    }
    async text() {
      return this.#body;
    }
    async json() {
      return parse(this.#body);
    }
    clone() {
      return new Response(this.#body, this);
    }
  }

  function bodyOf(body, headers) {
    if (body === undefined || body === null) return null;
    if (typeof body === "string") return body;
    if (body instanceof URLSearchParams) {
      if (!headers.has("content-type"))
        headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
      return body.toString();
    }
    throw new TypeError("fetch: body must be a string or URLSearchParams (use JSON.stringify for JSON)");
  }

  async function fetch(input, init) {
    const o = init || {};
    const url =
      input instanceof URL ? input.href : typeof input === "string" ? input : StringOf(input?.url ?? input);
    const headers = new Headers(o.headers);
    const body = bodyOf(o.body, headers);
    const method = StringOf(o.method || "GET").toUpperCase();
    const answer = parse(await host.fetch(stringify({ url, method, headers: headers.toJSON(), body })));
    if (answer.error) {
      if (answer.error.type === "limit" || answer.error.type === "invalid")
        throw new TypeError(answer.error.message);
      throw new FetchError(answer.error.message, "system", answer.error.type);
    }
    return new Response(answer.body, answer);
  }

  // ---- btoa / atob, crypto, Buffer --------------------------------------------------------------
  const btoa = (s) => host.codec("btoa", StringOf(s));
  const atob = (s) => host.codec("atob", StringOf(s));

  /** Accumulates update() input for a host-side HMAC or hash. Strings only (UTF-8). */
  function digester(op, algorithm, key) {
    const parts = [];
    const self = {
      update(data) {
        parts.push(data instanceof Buffer ? { b64: data.toString("base64") } : StringOf(data));
        return self;
      },
      digest(encoding) {
        const spec = { op, algorithm: StringOf(algorithm), key, parts, encoding: encoding || "base64" };
        const out = host.crypto(stringify(spec));
        return encoding ? out : new Buffer(out);
      },
    };
    return self;
  }
  const crypto = {
    createHmac: (algorithm, key) =>
      digester("hmac", algorithm, key instanceof Buffer ? { b64: key.toString("base64") } : StringOf(key)),
    createHash: (algorithm) => digester("hash", algorithm, null),
    randomUUID: () => host.crypto(stringify({ op: "uuid" })),
  };

  /** Bytes as a base64 string, converted by the host. Enough for Basic auth and signatures. */
  class Buffer {
    #b64;
    constructor(b64) {
      this.#b64 = b64;
    }
    static from(data, encoding) {
      if (data instanceof Buffer) return new Buffer(data.#b64);
      if (isArray(data)) return new Buffer(host.codec("bytes", stringify(data)));
      return new Buffer(host.codec(`from:${encoding || "utf8"}`, StringOf(data)));
    }
    static byteLength(data, encoding) {
      return Buffer.from(data, encoding).length;
    }
    static isBuffer(value) {
      return value instanceof Buffer;
    }
    get length() {
      const b = this.#b64;
      return (b.length * 3) / 4 - (b.endsWith("==") ? 2 : b.endsWith("=") ? 1 : 0);
    }
    toString(encoding) {
      return host.codec(`to:${encoding || "utf8"}`, this.#b64);
    }
    toJSON() {
      return { type: "Buffer", base64: this.#b64 };
    }
  }

  // ---- cache (Segment's cache.load / cache.delete), process-local and bounded -------------------
  const store = new Map();
  const MAX_CACHE_ENTRIES = 1000;
  const cache = {
    async load(key, ttl, fn) {
      const k = StringOf(key);
      const hit = store.get(k);
      if (hit && (hit.expires < 0 || hit.expires > Date.now())) return hit.value;
      const value = await fn();
      if (store.size >= MAX_CACHE_ENTRIES) store.delete(store.keys().next().value);
      store.set(k, { value, expires: ttl === undefined || ttl < 0 ? -1 : Date.now() + ttl });
      return value;
    },
    delete(key) {
      store.delete(StringOf(key));
    },
  };

  // ---- Segment (source functions only) ----------------------------------------------------------
  const isObject = (v) => typeof v === "object" && v !== null && !isArray(v);
  function emitter(type) {
    return (message) => {
      if (!isObject(message)) throw new TypeError(`Segment.${type}() takes one object, like { userId, ... }`);
      const out = {};
      for (const k of keys(message)) out[k] = message[k];
      out.type = type;
      host.emit(stringify(out));
    };
  }
  const Segment =
    kind === "source"
      ? {
          identify: emitter("identify"),
          track: emitter("track"),
          page: emitter("page"),
          screen: emitter("screen"),
          group: emitter("group"),
          alias: emitter("alias"),
          set() {
            console.warn(
              "Segment.set() (the object API for warehouses) is not supported here; the call was ignored",
            );
          },
        }
      : undefined;

  // ---- Globals, then freeze everything reachable from the built-ins ----------------------------
  const provided = {
    console,
    fetch,
    Headers,
    Response,
    URL,
    URLSearchParams,
    btoa,
    atob,
    crypto,
    Buffer,
    cache,
    RetryError,
    ValidationError,
    InvalidEventPayload,
    EventNotSupported,
    DropEvent,
    FetchError,
  };
  if (Segment) provided.Segment = Segment;
  for (const name of keys(provided))
    defineProperty(G, name, {
      value: provided[name],
      writable: false,
      enumerable: false,
      configurable: false,
    });

  // Assigning to a property that a frozen prototype has as a data property fails (the "override
  // mistake"): `this.name = ...` in an Error subclass would throw. These few become accessors
  // whose setter defines the property on the object assigned to, as if the prototype were open.
  function allowOverride(obj, key) {
    const desc = getOwnPropertyDescriptor(obj, key);
    if (!desc || !("value" in desc) || !desc.configurable) return;
    const value = desc.value;
    defineProperty(obj, key, {
      get() {
        return value;
      },
      set(v) {
        if (this === obj) throw new TypeError(`Cannot assign to read only property '${StringOf(key)}'`);
        defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable,
      configurable: false,
    });
  }
  for (const key of ["constructor", "toString", "valueOf", "toLocaleString", "hasOwnProperty"])
    allowOverride(Object.prototype, key);
  for (const key of ["constructor", "name", "message", "toString"]) allowOverride(Error.prototype, key);
  for (const key of ["constructor", "toString"]) allowOverride(Function.prototype, key);
  for (const C of [
    RetryError,
    ValidationError,
    InvalidEventPayload,
    EventNotSupported,
    DropEvent,
    FetchError,
  ])
    allowOverride(C.prototype, "name");

  const seen = new Set();
  function harden(root) {
    const stack = [root];
    while (stack.length) {
      const o = stack.pop();
      if ((typeof o !== "object" && typeof o !== "function") || o === null || o === G || seen.has(o))
        continue;
      seen.add(o);
      freeze(o);
      stack.push(getPrototypeOf(o));
      for (const key of Reflect.ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, key);
        if (!d) continue;
        if ("value" in d) stack.push(d.value);
        else {
          stack.push(d.get);
          stack.push(d.set);
        }
      }
    }
  }
  // Every own property of the global object present now: the standard built-ins and ours.
  for (const name of getOwnPropertyNames(G)) {
    const d = getOwnPropertyDescriptor(G, name);
    if (d && "value" in d) harden(d.value);
    if (d?.configurable) defineProperty(G, name, { writable: false, configurable: false });
  }
  // Intrinsics that no global names: iterator, generator and async function prototypes.
  harden(getPrototypeOf(function* () {}));
  harden(getPrototypeOf(async () => {}));
  harden(getPrototypeOf(async function* () {}));
  harden(getPrototypeOf([][Symbol.iterator]()));
  harden(getPrototypeOf(new Map().entries()));
  harden(getPrototypeOf(new Set().values()));
  harden(getPrototypeOf(""[Symbol.iterator]()));
  harden(getPrototypeOf("a".matchAll(/a/g)));

  // ---- Invocation -------------------------------------------------------------------------------
  const HANDLERS = {
    track: "onTrack",
    identify: "onIdentify",
    page: "onPage",
    screen: "onScreen",
    group: "onGroup",
    alias: "onAlias",
    delete: "onDelete",
  };
  const ALL_HANDLERS = [
    "onRequest",
    "onTrack",
    "onIdentify",
    "onPage",
    "onScreen",
    "onGroup",
    "onAlias",
    "onDelete",
    "onBatch",
  ];

  function describeError(e) {
    if (e instanceof Error) {
      const stack = typeof e.stack === "string" ? e.stack.slice(0, 2000) : "";
      return { name: StringOf(e.name), message: StringOf(e.message).slice(0, 2000), stack };
    }
    return { name: "Error", message: show(e, 1).slice(0, 2000), stack: "" };
  }

  function outcomeOf(e) {
    const d = describeError(e);
    if (e instanceof DropEvent) return { outcome: "drop", ...d };
    if (e instanceof RetryError) return { outcome: "retry", ...d };
    if (e instanceof ValidationError || e instanceof InvalidEventPayload)
      return { outcome: "rejected", ...d };
    if (e instanceof EventNotSupported) return { outcome: "unsupported", ...d };
    if (e instanceof FetchError)
      return { outcome: "network", networkType: StringOf(e.code || "connection"), ...d };
    return { outcome: "error", ...d };
  }

  function handlerFor(type) {
    const name = HANDLERS[type];
    const fn = name ? G[name] : undefined;
    if (typeof fn !== "function")
      throw new EventNotSupported(
        name ? `${type} is not supported: the function has no ${name}()` : `Unknown call type "${type}"`,
      );
    return fn;
  }

  function makeRequest(raw) {
    const body = raw.body;
    return freeze({
      method: raw.method,
      url: new URL(raw.url),
      headers: new Headers(raw.headers),
      json() {
        return parse(body);
      },
      text() {
        return body;
      },
    });
  }

  // Settings are parsed per call (the code may change the object it is given); the common empty
  // object skips the parser.
  const settingsOf = (text) => (text === "{}" ? {} : parse(text));

  // Results go back as text: "=" followed by the output event's JSON when an insert function or
  // onBatch succeeded with an output (one stringify, no outcome wrapper to escape it into),
  // otherwise the outcome object's JSON.
  /** One invocation: "request" (source), "event" or "batch" (destination and insert). */
  async function invoke(mode, payload, settingsJson) {
    try {
      const settings = settingsOf(settingsJson);
      if (mode === "request") {
        if (typeof G.onRequest !== "function") throw new EventNotSupported("The function has no onRequest()");
        await G.onRequest(makeRequest(parse(payload)), settings);
        return stringify({ outcome: "ok" });
      }
      if (mode === "batch") {
        if (typeof G.onBatch !== "function") throw new EventNotSupported("The function has no onBatch()");
        const out = await G.onBatch(parse(payload), settings);
        return out === undefined ? stringify({ outcome: "ok", output: null }) : `=${stringify(out)}`;
      }
      const event = parse(payload);
      const out = await handlerFor(isObject(event) ? event.type : undefined)(event, settings);
      if (kind !== "insert") return stringify({ outcome: "ok" });
      if (out === undefined || out === null)
        return stringify({
          outcome: "drop",
          name: "DropEvent",
          message: "The handler returned no event",
          stack: "",
        });
      if (!isObject(out))
        throw new TypeError("An insert function's handler must return the event object (or throw DropEvent)");
      return `=${stringify(out)}`;
    } catch (e) {
      return stringify(outcomeOf(e));
    }
  }

  function handlers() {
    return stringify(ALL_HANDLERS.filter((n) => typeof G[n] === "function"));
  }

  return freeze({ invoke, handlers });
});
