// The Segment `integrations` object: which destinations a message may go to.
//   { All: false, "Amplitude": true }      only Amplitude
//   { "Webhooks": false }                  everything but destinations of the webhook type
//   { "Mixpanel": { ... } }                an object value counts as enabled (options for it)
// Keys are destination *types*: the catalog name or one of Segment's names for it
// (lib/catalog/integration-keys.ts), matched exactly (case-sensitive). As in Segment, a key
// applies to every instance of the type and an instance's own name is not a key ("you cannot
// specify an instance of a destination"). `All` (default true) applies when the message has no
// key for the type. null counts as absent.
//
// Decision: a value that is neither true, false, null nor an object (the string "false", 0, a
// list) is not guessed at: the destination is not sent to, and the reason says which key held
// what, so a typo shows up in Event Delivery instead of silently sending (or not) to a tool.

export type IntegrationsDecision = { enabled: true } | { enabled: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

type Flag = true | false | "absent" | "invalid";

function flagOf(value: unknown): Flag {
  if (value === undefined || value === null) return "absent";
  if (typeof value === "boolean") return value;
  return isObject(value) ? true : "invalid";
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (Array.isArray(value)) return "a list";
  return `${typeof value} ${String(value)}`;
}

const invalid = (key: string, value: unknown): IntegrationsDecision => ({
  enabled: false,
  reason: `The message's integrations object sets "${key}" to ${describeValue(value)}; only true, false or an object of options count, so it is not sent`,
});

/**
 * `keys`: every key that names this destination's type, the catalog name first. Any of them set
 * to false (or to a value that is not a flag) turns the destination off, whatever the others say.
 */
export function integrationsDecision(integrations: unknown, keys: readonly string[]): IntegrationsDecision {
  if (!isObject(integrations)) return { enabled: true };
  let enabledByKey = false;
  for (const key of keys) {
    if (!Object.hasOwn(integrations, key)) continue;
    const flag = flagOf(integrations[key]);
    if (flag === "invalid") return invalid(key, integrations[key]);
    if (flag === false)
      return { enabled: false, reason: `The message's integrations object sets "${key}" to false` };
    if (flag === true) enabledByKey = true;
  }
  if (enabledByKey || !Object.hasOwn(integrations, "All")) return { enabled: true };
  const all = flagOf(integrations.All);
  if (all === "invalid") return invalid("All", integrations.All);
  if (all === false) {
    return {
      enabled: false,
      reason: `The message's integrations object sets All to false and does not enable "${keys[0]}"`,
    };
  }
  return { enabled: true };
}
