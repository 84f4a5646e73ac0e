import { applyFilters, type FilterDefinition } from "@/lib/filters/apply";
import { removePaths } from "@/lib/privacy/paths";
import { consentDecision, type PrivacyRule } from "@/lib/privacy/policy";
import { applyOmissions, type Verdict } from "@/lib/protocols/verdict";
import { integrationsDecision } from "@/lib/routing/integrations";

// The path of an accepted message to one destination, in order. Each step is a small function
// that lets the message continue (possibly changed) or stops it, saying why. Everything that
// names a step takes the name from here: outcome rows store `errorType` (the Event Delivery
// counters and error table group by it, lib/delivery/errors.ts takes `label` and `description`
// as the title and explanation), and docs/filters.md lists these steps in this order.
//
// To add a step (a tracking plan, a consent check, an insert function...): write one more
// `defineStep({...})` and put it in ROUTE_STEPS where it runs.
//
// The order (docs/filters.md draws it):
// 1. the source's Protocols steps, decided once at ingest and stored with the message
//    (Message.protocol): the tracking plan, then the schema event filters;
// 2. the privacy steps, as Segment's Consent Management and Privacy Portal: consent, then the
//    destination's privacy policy (removes fields, never stops the message);
// 3. Segment's order: the integrations object decides which destinations a message goes to at
//    all; the schema integration filters right after it (which never override it); then the
//    destination's supported call types ("the check for unsupported events types happens before
//    any destination filter checks", Segment's destination-filters FAQ); then its destination
//    filters (sample, drop, drop properties, allow properties).

export type Message = Record<string, unknown>;

/** What a step needs to know about the destination. */
export interface RouteTarget {
  id: string;
  /** Catalog name of the type ("Webhook"), for reasons. */
  catalogName: string;
  /** The destination's own name in the workspace. */
  name: string;
  /** Keys of the integrations object that address this type (lib/catalog/integration-keys.ts). */
  integrationKeys: readonly string[];
  supportedTypes: ReadonlySet<string>;
  filters: readonly FilterDefinition[];
  /** Its consent categories and privacy policy (lib/privacy/policy.ts); absent: none set. */
  privacy?: PrivacyRule;
}

/** What the steps know about the message beyond its JSON. */
export interface RouteContext {
  /** The message's source (consent's per-source "hold back" setting); absent in unit tests. */
  sourceId?: string;
  /** The ingest verdict of the source's Protocols (Message.protocol), or null. */
  verdict: Verdict | null;
  /** The source's schema integration filters: schemaKey -> destination ids switched off. */
  schemaOff?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The message with the tracking plan's / schema filters' omissions applied (computed once). */
  omittedFor?: Map<string, Message>;
}

export const NO_CONTEXT: RouteContext = { verdict: null };

/** The key schema integration filters use: track events by name; identify and group as a whole. */
export function schemaKey(message: Message): string | null {
  switch (message.type) {
    case "track":
      return typeof message.event === "string" ? `track\u001f${message.event}` : null;
    case "identify":
    case "group":
      return `${message.type}\u001f`;
    default:
      return null;
  }
}

export type StepResult =
  /** removed: field paths the step took out (the privacy step), for "privacy: N fields removed". */
  { continue: true; message: Message; removed?: string[] } | { continue: false; reason: string };

export interface RouteStep {
  /** Stable name of the step (docs, logs). */
  readonly id: string;
  /** What an outcome row records when this step stops a message; never renamed (rows keep it). */
  readonly errorType: string;
  /** The outcome status it stops messages with. */
  readonly outcome: "filtered" | "unsupported";
  /** What people see, e.g. in the Event Delivery error table. */
  readonly label: string;
  readonly description: string;
  run(message: Message, target: RouteTarget, ctx: RouteContext): StepResult;
}

const go = (message: Message): StepResult => ({ continue: true, message });
const stop = (reason: string): StepResult => ({ continue: false, reason });

/** Keeps each step's literal errorType in its type, so lib/delivery/errors.ts can key on them. */
function defineStep<const S extends RouteStep>(step: S): S {
  return step;
}

/** Protocols steps stop a message for every destination, or omit fields before all of them. */
function protocolsRun(
  step: "tracking_plan" | "schema_event_filter",
  message: Message,
  ctx: RouteContext,
): StepResult {
  const verdict = ctx.verdict;
  if (!verdict) return go(message);
  if (verdict.blocked?.step === step) return stop(verdict.blocked.reason);
  const omitted = verdict.omitted?.filter((o) => o.step === step);
  if (!omitted || omitted.length === 0) return go(message);
  ctx.omittedFor ??= new Map();
  let changed = ctx.omittedFor.get(step);
  if (!changed) {
    changed = applyOmissions(message, omitted);
    ctx.omittedFor.set(step, changed);
  }
  return go(changed);
}

export const trackingPlanStep = defineStep({
  id: "tracking_plan",
  errorType: "tracking_plan",
  outcome: "filtered",
  label: "Tracking plan",
  description:
    "The source's tracking plan blocked the message (unplanned event, invalid properties or traits); omitted properties are removed instead.",
  run: (message, _target, ctx) => protocolsRun("tracking_plan", message, ctx),
});

export const schemaEventFilterStep = defineStep({
  id: "schema_event_filter",
  errorType: "schema_event_filter",
  outcome: "filtered",
  label: "Schema event filter",
  description: "The event is blocked in the source's Schema (omitted traits are removed instead).",
  run: (message, _target, ctx) => protocolsRun("schema_event_filter", message, ctx),
});

export const consentStep = defineStep({
  id: "consent",
  errorType: "no_consent",
  outcome: "filtered",
  label: "No consent",
  description:
    "The event's consent preferences (context.consent.categoryPreferences) do not grant every consent category of this destination, or it has none and its source holds such events back.",
  run(message, target, ctx) {
    const rule = target.privacy;
    if (!rule || rule.consentCategories.length === 0) return go(message);
    const decision = consentDecision(
      message,
      rule.consentCategories,
      rule.holdWithoutConsent.has(ctx.sourceId ?? ""),
    );
    return decision.ok ? go(message) : stop(decision.reason);
  },
});

export const privacyStep = defineStep({
  id: "privacy",
  errorType: "privacy",
  outcome: "filtered",
  label: "Privacy",
  description:
    'Never stops a message: removes the fields this destination\'s privacy policy does not allow (Red, or Red and Yellow), recorded as "privacy: N fields removed".',
  run(message, target) {
    const remove = target.privacy?.remove;
    if (!remove || remove.length === 0) return go(message);
    const result = removePaths(message, remove);
    return result.removed.length === 0
      ? go(message)
      : { continue: true, message: result.message, removed: result.removed };
  },
});

export const integrationsStep = defineStep({
  id: "integrations",
  errorType: "integrations_disabled",
  outcome: "filtered",
  label: "Integrations object",
  description: "The message's integrations object turned this destination off.",
  run(message, target) {
    const decision = integrationsDecision(message.integrations, target.integrationKeys);
    return decision.enabled ? go(message) : stop(decision.reason);
  },
});

export const schemaIntegrationsStep = defineStep({
  id: "schema_integration_filter",
  errorType: "schema_integration_filter",
  outcome: "filtered",
  label: "Schema integration filter",
  description:
    "This destination is switched off for the event in the source's Schema (never when the message's integrations object names the destination).",
  run(message, target, ctx) {
    if (!ctx.schemaOff) return go(message);
    const key = schemaKey(message);
    if (key === null || !ctx.schemaOff.get(key)?.has(target.id)) return go(message);
    // As Segment's seed says: a value the message's own integrations object carries wins.
    const integrations = message.integrations;
    if (typeof integrations === "object" && integrations !== null) {
      for (const k of target.integrationKeys) {
        const v = (integrations as Record<string, unknown>)[k];
        if (v !== undefined && v !== null) return go(message);
      }
    }
    const what = message.type === "track" ? `"${String(message.event)}"` : `${String(message.type)} calls`;
    return stop(`${what} switched off for ${target.name} in the source's Schema`);
  },
});

export const callTypesStep = defineStep({
  id: "call_types",
  errorType: "unsupported_type",
  outcome: "unsupported",
  label: "Unsupported call type",
  description: "The destination does not accept this call type.",
  run(message, target) {
    const type = typeof message.type === "string" ? message.type : "";
    return target.supportedTypes.has(type)
      ? go(message)
      : stop(`${target.catalogName} does not accept ${type || "untyped"} calls`);
  },
});

export const destinationFiltersStep = defineStep({
  id: "destination_filters",
  errorType: "destination_filter",
  outcome: "filtered",
  label: "Destination filter",
  description: "A destination filter dropped or sampled out the message (or is broken, which stops it).",
  run(message, target) {
    if (target.filters.length === 0) return go(message);
    const outcome = applyFilters(message, target.filters);
    return outcome.kind === "kept" ? go(outcome.message) : stop(outcome.reason);
  },
});

/** The order messages take. */
export const ROUTE_STEPS = [
  trackingPlanStep,
  schemaEventFilterStep,
  consentStep,
  privacyStep,
  integrationsStep,
  schemaIntegrationsStep,
  callTypesStep,
  destinationFiltersStep,
] as const;

type Step = (typeof ROUTE_STEPS)[number];

/** One entry per step for lib/delivery/errors.ts: a stopped message is not a failure, never retried. */
export const ROUTE_STEP_ERROR_TYPES = Object.fromEntries(
  ROUTE_STEPS.map((s) => [s.errorType, { retry: false, title: s.label, description: s.description }]),
) as { [S in Step as S["errorType"]]: { retry: false; title: S["label"]; description: S["description"] } };
