import type { ErrorObject } from "ajv";
import { z } from "zod";
import { type SchemaKind, schemaName } from "@/lib/protocols/observe";
import type { CompiledPlan } from "@/lib/protocols/plan";
import type { Verdict, VerdictStep, Violation } from "@/lib/protocols/verdict";

export { applyOmissions } from "@/lib/protocols/verdict";
export type { Verdict, VerdictStep, Violation };

// What a source's tracking plan (with its Schema Configuration) or, without a plan, its schema
// event filters decide for one accepted message, at ingest. The archive keeps the message as sent
// plus this verdict (Message.protocol); routing applies it (lib/routing/steps.ts): a blocked
// message goes to no destination, omitted fields are removed before the destinations' steps.

/** Segment's Schema Configuration; every option defaults to "allow" as in Segment. */
export const schemaConfig = z
  .object({
    trackUnplanned: z.enum(["allow", "block"]).default("allow"),
    trackInvalid: z.enum(["allow", "omit", "block"]).default("allow"),
    traitsUnplanned: z.enum(["allow", "omit"]).default("allow"),
    traitsInvalid: z.enum(["allow", "block"]).default("allow"),
    /** Blocked messages are also sent to this source of the workspace, with the reason. */
    forwardBlockedTo: z.string().max(100).nullable().default(null),
  })
  .strict();
export type SchemaConfig = z.infer<typeof schemaConfig>;

export interface EventFilterRule {
  id: string;
  action: "block" | "omit";
}

export interface SourceProtocols {
  plan: CompiledPlan | null;
  config: SchemaConfig;
  /** Schema event filters, "track:Name" / "identify:trait" -> rule; ignored while a plan is connected. */
  eventFilters: Map<string, EventFilterRule>;
  /** config.forwardBlockedTo, checked to be a source of the same workspace (else null). */
  forwardTo: string | null;
}

const MAX_VIOLATIONS = 20;
const MAX_SAMPLE = 200;

function sample(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value) ?? "null";
  return text.length > MAX_SAMPLE ? `${text.slice(0, MAX_SAMPLE)}…` : text;
}

function pointerGet(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split("/").slice(1)) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

/** "/items/0/sku" under "properties" -> "properties.items.0.sku"; names a missing/extra key. */
function errorPath(bag: string, err: ErrorObject): string {
  const parts = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const params = err.params as Record<string, unknown>;
  if (err.keyword === "required" && typeof params.missingProperty === "string")
    parts.push(params.missingProperty);
  if (err.keyword === "additionalProperties" && typeof params.additionalProperty === "string")
    parts.push(params.additionalProperty);
  return [bag, ...parts].join(".");
}

function errorText(err: ErrorObject, path: string): string {
  return `${path} ${err.message ?? "is invalid"}`;
}

function schemaViolations(
  kind: SchemaKind,
  name: string,
  bag: "properties" | "traits",
  data: unknown,
  errors: ErrorObject[] | null | undefined,
): Violation[] {
  const out: Violation[] = [];
  for (const err of errors ?? []) {
    if (out.length >= MAX_VIOLATIONS) break;
    const path = errorPath(bag, err);
    const value = err.keyword === "required" ? undefined : pointerGet(data, err.instancePath);
    const v: Violation = { kind, name, path, code: err.keyword, message: errorText(err, path) };
    const s =
      err.keyword === "additionalProperties"
        ? sample(
            pointerGet(
              data,
              `${err.instancePath}/${String((err.params as Record<string, unknown>).additionalProperty)
                .replace(/~/g, "~0")
                .replace(/\//g, "~1")}`,
            ),
          )
        : sample(value);
    if (s !== undefined) v.value = s;
    out.push(v);
  }
  return out;
}

/** The top-level key of properties/traits an error is about, to omit it (null: nothing to omit). */
function omittable(path: string, bag: string, code: string): string | null {
  if (code === "required") return null; // a missing value cannot be omitted
  const rest = path.slice(bag.length + 1);
  if (!rest) return null;
  const dot = rest.indexOf(".");
  return `${bag}.${dot < 0 ? rest : rest.slice(0, dot)}`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function planVerdict(
  plan: CompiledPlan,
  config: SchemaConfig,
  message: Record<string, unknown>,
): Verdict | null {
  const id = schemaName(message);
  if (!id) return null;
  const { kind, name } = id;
  if (kind === "track" || kind === "page" || kind === "screen") {
    const validate = plan.events.get(`${kind}:${name}`);
    if (!validate) {
      // Segment flags unplanned track events only; unplanned pages and screens pass unremarked.
      if (kind !== "track") return null;
      const violation: Violation = {
        kind,
        name,
        path: "",
        code: "unplanned_event",
        message: `"${name}" is not in the tracking plan`,
      };
      const verdict: Verdict = { violations: [violation] };
      if (config.trackUnplanned === "block")
        verdict.blocked = {
          step: "tracking_plan",
          reason: `Blocked by tracking plan: unplanned event "${name}"`,
        };
      return verdict;
    }
    const props = message.properties ?? {};
    if (validate(props)) return null;
    const violations = schemaViolations(kind, name, "properties", props, validate.errors);
    const verdict: Verdict = { violations };
    if (config.trackInvalid === "block") {
      verdict.blocked = {
        step: "tracking_plan",
        reason: `Blocked by tracking plan: ${violations.map((v) => v.message).join("; ")}`,
      };
    } else if (config.trackInvalid === "omit") {
      const paths = new Set(
        violations.map((v) => omittable(v.path, "properties", v.code)).filter((p) => p !== null),
      );
      if (paths.size > 0) verdict.omitted = [...paths].map((path) => ({ step: "tracking_plan", path }));
    }
    return verdict;
  }
  const rule = kind === "identify" ? plan.identify : plan.group;
  if (!rule) return null;
  const traits = isObject(message.traits) ? message.traits : {};
  const violations: Violation[] = [];
  const unplanned: string[] = [];
  for (const key of Object.keys(traits)) {
    if (rule.planned.has(key)) continue;
    unplanned.push(`traits.${key}`);
    if (violations.length < MAX_VIOLATIONS) {
      const v: Violation = {
        kind,
        name: "",
        path: `traits.${key}`,
        code: "unplanned_trait",
        message: `trait "${key}" is not in the tracking plan`,
      };
      const s = sample(traits[key]);
      if (s !== undefined) v.value = s;
      violations.push(v);
    }
  }
  const invalid = rule.validate(traits)
    ? []
    : schemaViolations(kind, "", "traits", traits, rule.validate.errors);
  // An unplanned trait that the schema also refuses (additionalProperties: false) counts once.
  for (const v of invalid)
    if (!(v.code === "additionalProperties" && unplanned.includes(v.path))) violations.push(v);
  if (violations.length === 0) return null;
  const verdict: Verdict = { violations };
  const realInvalid = invalid.filter((v) => !unplanned.includes(v.path));
  if (config.traitsInvalid === "block" && realInvalid.length > 0) {
    verdict.blocked = {
      step: "tracking_plan",
      reason: `Blocked by tracking plan: ${realInvalid.map((v) => v.message).join("; ")}`,
    };
  } else if (config.traitsUnplanned === "omit" && unplanned.length > 0) {
    verdict.omitted = unplanned.map((path) => ({ step: "tracking_plan", path }));
  }
  return verdict;
}

function filterVerdict(
  filters: Map<string, EventFilterRule>,
  message: Record<string, unknown>,
): Verdict | null {
  const id = schemaName(message);
  if (!id) return null;
  if (id.kind === "identify" || id.kind === "group") {
    if (!isObject(message.traits)) return null;
    const omitted: NonNullable<Verdict["omitted"]> = [];
    for (const key of Object.keys(message.traits)) {
      const rule = filters.get(`${id.kind}:${key}`);
      if (rule?.action === "omit")
        omitted.push({ step: "schema_event_filter", path: `traits.${key}`, filterId: rule.id });
    }
    return omitted.length > 0 ? { omitted } : null;
  }
  const rule = filters.get(`${id.kind}:${id.name}`);
  if (rule?.action !== "block") return null;
  const label = id.kind === "track" ? `event "${id.name}"` : `${id.kind} "${id.name}"`;
  return {
    blocked: {
      step: "schema_event_filter",
      reason: `Blocked by schema: ${label} is blocked`,
      filterId: rule.id,
    },
  };
}

/**
 * The verdict for one accepted message, or null when nothing applies. Tracking plan first; schema
 * event filters only while no plan is connected (as in Segment).
 */
export function judge(protocols: SourceProtocols, message: Record<string, unknown>): Verdict | null {
  if (protocols.plan) return planVerdict(protocols.plan, protocols.config, message);
  if (protocols.eventFilters.size > 0) return filterVerdict(protocols.eventFilters, message);
  return null;
}
