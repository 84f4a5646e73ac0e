// "Pretty" view: the call recreated as the source's library would have written it, chosen from
// context.library.name. Browser and mobile libraries use positional calls; server libraries the
// object (or keyword) form of their own language; anything else gets the HTTP API's JSON.

type Msg = Record<string, unknown>;
type Style = "browser" | "node" | "python" | "ruby" | "http";

const BROWSER =
  /^(analytics\.js|analytics-next|analytics-ios|analytics-swift|analytics-android|analytics-kotlin|analytics-react-native|@segment\/analytics)/i;

export function libraryStyle(message: Msg): Style {
  const name = String(((message.context as Msg | undefined)?.library as Msg | undefined)?.name ?? "");
  if (BROWSER.test(name) && !/node/i.test(name)) return "browser";
  if (/node/i.test(name)) return "node";
  if (/python/i.test(name)) return "python";
  if (/ruby/i.test(name)) return "ruby";
  return "http";
}

const js = (v: unknown) => JSON.stringify(v, null, 2);
const isEmpty = (v: unknown) =>
  v === undefined || v === null || (typeof v === "object" && Object.keys(v as object).length === 0);

function browserCall(m: Msg): string {
  const args: unknown[] = [];
  switch (m.type) {
    case "track":
      args.push(m.event, m.properties ?? {});
      break;
    case "identify":
      if (m.userId) args.push(m.userId);
      if (!isEmpty(m.traits)) args.push(m.traits);
      break;
    case "page":
      if (m.category) args.push(m.category);
      if (m.name || m.category) args.push(m.name ?? null);
      if (!isEmpty(m.properties)) args.push(m.properties);
      break;
    case "screen":
      args.push(m.name ?? null);
      if (!isEmpty(m.properties)) args.push(m.properties);
      break;
    case "group":
      args.push(m.groupId);
      if (!isEmpty(m.traits)) args.push(m.traits);
      break;
    case "alias":
      args.push(m.userId ?? null, m.previousId ?? null);
      break;
  }
  return `analytics.${String(m.type)}(${args.map(js).join(", ")});`;
}

const FIELDS: Record<string, string[]> = {
  track: ["userId", "anonymousId", "event", "properties"],
  identify: ["userId", "anonymousId", "traits"],
  page: ["userId", "anonymousId", "category", "name", "properties"],
  screen: ["userId", "anonymousId", "name", "properties"],
  group: ["userId", "anonymousId", "groupId", "traits"],
  alias: ["userId", "previousId"],
};

function picked(m: Msg): [string, unknown][] {
  return (FIELDS[String(m.type)] ?? []).filter((k) => !isEmpty(m[k])).map((k) => [k, m[k]]);
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function pythonValue(v: unknown): string {
  return JSON.stringify(v, null, 4)
    .replace(/\btrue\b/g, "True")
    .replace(/\bfalse\b/g, "False")
    .replace(/\bnull\b/g, "None");
}

export function prettyCall(message: Msg): { style: Style; code: string } {
  const style = libraryStyle(message);
  const type = String(message.type ?? "track");
  switch (style) {
    case "browser":
      return { style, code: browserCall(message) };
    case "node":
      return { style, code: `analytics.${type}(${js(Object.fromEntries(picked(message)))});` };
    case "python":
      return {
        style,
        code: `analytics.${type}(\n${picked(message)
          .map(([k, v]) => `    ${snake(k)}=${pythonValue(v)}`)
          .join(",\n")}\n)`,
      };
    case "ruby":
      return {
        style,
        code: `Analytics.${type}(\n${picked(message)
          .map(([k, v]) => `  ${snake(k)}: ${JSON.stringify(v, null, 2).replace(/\bnull\b/g, "nil")}`)
          .join(",\n")}\n)`,
      };
    default:
      return {
        style,
        code: `POST /v1/${type}\n${js(Object.fromEntries([["type", type], ...picked(message)]))}`,
      };
  }
}

/** One-line summary for the list: the event/page/screen name, or a traits summary. */
export function summarize(m: Msg): string {
  switch (m.type) {
    case "track":
      return String(m.event ?? "(no event name)");
    case "page":
    case "screen":
      return String(
        m.name ??
          (m.properties as Msg | undefined)?.path ??
          (m.type === "page" ? "Page viewed" : "Screen viewed"),
      );
    case "identify":
    case "group": {
      const traits = (m.traits ?? {}) as Msg;
      const keys = Object.keys(traits);
      const lead = m.type === "group" ? `Group ${String(m.groupId ?? "")} ` : "";
      return keys.length
        ? `${lead}${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ` +${keys.length - 3}` : ""}`
        : `${lead}(no traits)`;
    }
    case "alias":
      return `${String(m.previousId ?? "?")} → ${String(m.userId ?? "?")}`;
    default:
      return String(m.event ?? m.type ?? "(unknown)");
  }
}
