import { createHash } from "node:crypto";
import type { Message, Settings } from "@/lib/delivery/types";

// Helpers shared by the partner mappings. All pure: a mapping's output depends only on the
// message and the settings, so the same message always produces the same request (retries and
// replays included), and tests can compare against the partners' documented shapes.

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function str(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

export const properties = (m: Message) => obj(m.properties);
export const context = (m: Message) => obj(m.context);
/** identify/group carry traits at the top level; other calls may carry them in context.traits. */
export const traits = (m: Message) => (isObject(m.traits) ? m.traits : obj(context(m).traits));
export const userId = (m: Message) => str(m.userId);
export const anonymousId = (m: Message) => str(m.anonymousId);
export const messageId = (m: Message) => str(m.messageId) ?? "";

/** When the event happened, in epoch ms: timestamp, else originalTimestamp, else receivedAt. */
export function eventTimeMs(m: Message): number {
  for (const key of ["timestamp", "originalTimestamp", "receivedAt"]) {
    const v = m[key];
    const t = typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : Number.NaN;
    if (Number.isFinite(t)) return t;
  }
  return 0;
}

export const eventTimeSeconds = (m: Message) => Math.floor(eventTimeMs(m) / 1000);
export const eventTimeIso = (m: Message) => new Date(eventTimeMs(m)).toISOString();

/** Segment's names for page and screen calls as events: "Viewed Home Page", "Loaded a Page". */
export function viewEventName(m: Message): string {
  const kind = m.type === "screen" ? "Screen" : "Page";
  const name = str(m.name) ?? str(properties(m).name);
  return name ? `Viewed ${name} ${kind}` : `Loaded a ${kind}`;
}

/** Track event name, or the view name for page/screen. */
export const eventName = (m: Message) => (m.type === "track" ? (str(m.event) ?? "") : viewEventName(m));

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

export const basicAuth = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

export const jsonHeaders = (extra: Record<string, string> = {}) => ({
  "content-type": "application/json",
  accept: "application/json",
  ...extra,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The messageId when it is a UUID, else a stable UUID (version 8, name-based) derived from it. */
export function uuidFor(id: string): string {
  if (UUID.test(id)) return id.toLowerCase();
  const h = sha256Hex(id);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The id itself when it matches `allowed`, else a hex digest that does (stable across retries). */
export function safeId(id: string, allowed: RegExp, hexLength = 32): string {
  return allowed.test(id) ? id : sha256Hex(id).slice(0, hexLength);
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID whose time part is the event time and whose random part is derived from the messageId. */
export function ulidFor(id: string, timeMs: number): string {
  let t = Math.max(0, Math.min(2 ** 48 - 1, Math.floor(timeMs)));
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = createHash("sha256").update(id).digest();
  let rand = "";
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32];
  return time + rand;
}

/** Setting as a string ("" when unset). */
export const setting = (s: Settings, key: string) => (typeof s[key] === "string" ? (s[key] as string) : "");

/** Flattens nested objects to "a.b" keys with primitive values (for partners without nesting). */
export function flatten(value: Record<string, unknown>, prefix = "", out: Record<string, unknown> = {}) {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) flatten(v, key, out);
    else if (Array.isArray(v)) out[key] = JSON.stringify(v);
    else if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}

/** Drops undefined values so request bodies only carry what was set. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export const json = (body: unknown) => JSON.stringify(body);

/** Parses a JSON response body, or undefined. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
