import { PAIR, SEP } from "@/lib/protocols/sql.cjs";

// What the Source Schema learns from one accepted message, as one compact string the archive
// writer sums per group commit (lib/protocols/sql.cjs): kind, name, then path/type pairs.
// Track, page and screen: the event (or page/screen) name and its properties' JSON types, nested
// objects as dot paths. Identify and group: one pair per trait. Bounded per message, so a message
// with thousands of keys costs no more than MAX_PATHS.

export const MAX_PATHS = 100;
const MAX_DEPTH = 3;
const MAX_NAME = 200;

export type SchemaKind = "track" | "page" | "screen" | "identify" | "group";

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  if (t === "number") return Number.isInteger(value) ? "integer" : "number";
  return t === "string" || t === "boolean" || t === "object" ? t : "null";
}

function clean(text: string): string {
  // The separators never appear in stored keys; names are capped like the page shows them.
  const cut = text.length > MAX_NAME ? text.slice(0, MAX_NAME) : text;
  return cut.includes(SEP) || cut.includes(PAIR) ? cut.split(SEP).join(" ").split(PAIR).join(" ") : cut;
}

function walk(obj: Record<string, unknown>, prefix: string, depth: number, out: string[]): void {
  for (const key in obj) {
    if (out.length >= MAX_PATHS) return;
    const value = obj[key];
    const path = prefix + clean(key);
    const type = jsonType(value);
    out.push(path + PAIR + type);
    if (type === "object" && depth < MAX_DEPTH)
      walk(value as Record<string, unknown>, `${path}.`, depth + 1, out);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The name a message is listed under in the Schema (and matched by schema filters). */
export function schemaName(message: Record<string, unknown>): { kind: SchemaKind; name: string } | null {
  switch (message.type) {
    case "track":
      return { kind: "track", name: typeof message.event === "string" ? message.event : "" };
    case "page":
    case "screen":
      return { kind: message.type, name: typeof message.name === "string" ? message.name : "" };
    case "identify":
    case "group":
      return { kind: message.type, name: "" };
    default:
      return null;
  }
}

export function observe(message: Record<string, unknown>): string | null {
  const id = schemaName(message);
  if (!id) return null;
  const out: string[] = [];
  const bag = id.kind === "identify" || id.kind === "group" ? message.traits : message.properties;
  if (isObject(bag)) walk(bag, "", id.kind === "identify" || id.kind === "group" ? MAX_DEPTH : 1, out);
  return `${id.kind}${SEP}${clean(id.name)}${out.length ? SEP + out.join(SEP) : ""}`;
}
