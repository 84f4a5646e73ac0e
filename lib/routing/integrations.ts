// The Segment `integrations` object: which destinations a message may go to.
//   { All: false, "Amplitude": true }      only Amplitude
//   { "Webhook": false }                   everything but destinations of the Webhook type
//   { "Prod webhook": { ... } }            an object value counts as enabled (options for it)
// A key matches a destination's catalog name ("Webhook", "Google Analytics 4") or its instance
// name ("Prod webhook"), exactly (Segment's keys are case-sensitive). The instance name wins
// over the catalog name when both are present. `All` (default true) applies to destinations
// without a key of their own. A key whose value is null or undefined counts as absent.

export interface IntegrationNames {
  /** The destination type's catalog name, e.g. "Webhook". */
  catalogName: string;
  /** The destination's own name in this workspace. */
  instanceName: string;
}

export type IntegrationsDecision = { enabled: true } | { enabled: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function asFlag(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") return true;
  return Boolean(value);
}

export function integrationsDecision(integrations: unknown, names: IntegrationNames): IntegrationsDecision {
  if (!isObject(integrations)) return { enabled: true };
  for (const key of [names.instanceName, names.catalogName]) {
    if (!Object.hasOwn(integrations, key)) continue;
    const flag = asFlag(integrations[key]);
    if (flag === undefined) continue;
    return flag
      ? { enabled: true }
      : { enabled: false, reason: `The message's integrations object sets "${key}" to false` };
  }
  const all = Object.hasOwn(integrations, "All") ? asFlag(integrations.All) : undefined;
  if (all === false)
    return {
      enabled: false,
      reason: `The message's integrations object sets All to false and does not enable "${names.instanceName}"`,
    };
  return { enabled: true };
}
