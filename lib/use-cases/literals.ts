import type { SampleValue } from "@/lib/use-cases/sample-values";

// Property values written as literals of each tracking library's language. Top-level objects are
// one property per line (so a snippet reads like a tracking plan); nested values stay inline.

type Entries = [string, SampleValue][];
const entries = (o: Record<string, SampleValue>): Entries => Object.entries(o);
const isObject = (v: SampleValue): v is Record<string, SampleValue> =>
  typeof v === "object" && !Array.isArray(v);
const dq = (s: string) => JSON.stringify(s);
const sq = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const jsKey = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : dq(k));

function block(items: string[], open: string, close: string, indent: string, empty: string) {
  if (items.length === 0) return empty;
  return `${open}\n${items.map((i) => `${indent}  ${i},`).join("\n")}\n${indent}${close}`;
}

/** JavaScript / TypeScript object literal. */
export function js(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `[${v.map((x) => js(x, indent, false)).join(", ")}]`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `${jsKey(k)}: ${js(x, indent, false)}`);
    return top ? block(items, "{", "}", indent, "{}") : `{ ${items.join(", ")} }`;
  }
  return typeof v === "string" ? dq(v) : String(v);
}

/** JSON, as the HTTP API takes it. */
export const json = (v: SampleValue, indent = "") => JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`);

export function python(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `[${v.map((x) => python(x, indent, false)).join(", ")}]`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `${dq(k)}: ${python(x, indent, false)}`);
    return top ? block(items, "{", "}", indent, "{}") : `{${items.join(", ")}}`;
  }
  if (typeof v === "boolean") return v ? "True" : "False";
  return typeof v === "string" ? dq(v) : String(v);
}

export function ruby(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `[${v.map((x) => ruby(x, indent, false)).join(", ")}]`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `${k}: ${ruby(x, indent, false)}`);
    return top ? block(items, "{", "}", indent, "{}") : `{ ${items.join(", ")} }`;
  }
  return typeof v === "string" ? dq(v) : String(v);
}

export function php(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `[${v.map((x) => php(x, indent, false)).join(", ")}]`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `${sq(k)} => ${php(x, indent, false)}`);
    return top ? block(items, "[", "]", indent, "[]") : `[${items.join(", ")}]`;
  }
  return typeof v === "string" ? sq(v) : String(v);
}

export function swift(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `[${v.map((x) => swift(x, indent, false)).join(", ")}]`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `${dq(k)}: ${swift(x, indent, false)}`);
    return top ? block(items, "[", "]", indent, "[:]") : `[${items.join(", ") || ":"}]`;
  }
  return typeof v === "string" ? dq(v) : String(v);
}

/** kotlinx.serialization builders, as Analytics-Kotlin takes properties. */
export function kotlin(o: Record<string, SampleValue>, indent = ""): string {
  const put = (k: string, x: SampleValue, pad: string): string => {
    if (Array.isArray(x))
      return `putJsonArray(${dq(k)}) { ${x
        .map((i) =>
          isObject(i)
            ? `addJsonObject { ${entries(i)
                .map(([ik, iv]) => put(ik, iv, ""))
                .join("; ")} }`
            : `add(${kotlinScalar(i)})`,
        )
        .join("; ")} }`;
    if (isObject(x))
      return `putJsonObject(${dq(k)}) { ${entries(x)
        .map(([ik, iv]) => put(ik, iv, pad))
        .join("; ")} }`;
    return `put(${dq(k)}, ${kotlinScalar(x)})`;
  };
  const lines = entries(o).map(([k, x]) => `${indent}    ${put(k, x, indent)}`);
  return lines.length ? `buildJsonObject {\n${lines.join("\n")}\n${indent}}` : "buildJsonObject {}";
}
const kotlinScalar = (x: SampleValue) => (typeof x === "string" ? dq(x) : String(x));

/** Go: map literals of interface{} values, as analytics-go's Properties type is. */
export function go(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `[]interface{}{${v.map((x) => go(x, indent, false)).join(", ")}}`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `${dq(k)}: ${go(x, indent, false)}`);
    if (!top) return `map[string]interface{}{${items.join(", ")}}`;
    if (!items.length) return "analytics.Properties{}";
    return `analytics.Properties{\n${items.map((i) => `${indent}\t${i},`).join("\n")}\n${indent}}`;
  }
  return typeof v === "string" ? dq(v) : String(v);
}

/** Java: Map.ofEntries keeps any number of properties (Map.of stops at ten). */
export function java(v: SampleValue, indent = "", top = true): string {
  if (Array.isArray(v)) return `List.of(${v.map((x) => java(x, indent, false)).join(", ")})`;
  if (isObject(v)) {
    const items = entries(v).map(([k, x]) => `entry(${dq(k)}, ${java(x, indent, false)})`);
    if (!top) return `Map.ofEntries(${items.join(", ")})`;
    if (!items.length) return "Map.of()";
    return `Map.ofEntries(\n${items.map((i) => `${indent}    ${i}`).join(",\n")})`;
  }
  return typeof v === "string" ? dq(v) : String(v);
}
