import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { RE2JS } from "re2js";
import { z } from "zod";

// A tracking plan: the events a source may send, each with a JSON Schema for its properties
// (identify and group: for their traits). The schemas are user input evaluated on every event,
// so what may be in them is bounded when the plan is saved (checkSchema) and they are compiled
// once per plan version (compilePlan, cached by lib/protocols/resolver.ts):
// - Ajv compiles each schema to a plain JS function: no interpretation per event.
// - `pattern`, `patternProperties` and `propertyNames.pattern` run on RE2 (re2js), an automaton
//   engine whose matching time is linear in the input, so no regex can backtrack; constructs
//   RE2 lacks (backreferences, lookaround) are refused at save with RE2's message.
// - `uniqueItems` (quadratic on object arrays), `format` (no formats are loaded), `$ref` to
//   anything but "#/..." and `$data` are refused; schemas nest at most 32 levels, a pattern is
//   at most 256 characters and a plan's JSON at most 512 KB with at most 2,000 events.

export const MAX_PLAN_BYTES = 512 * 1024;
export const MAX_EVENTS = 2000;
export const MAX_SCHEMA_DEPTH = 32;
export const MAX_PATTERN = 256;

const schemaObject = z.record(z.string(), z.unknown());

export const planEvent = z.object({
  type: z.enum(["track", "page", "screen"], { error: 'Event type must be "track", "page" or "screen"' }),
  name: z.string().trim().min(1, "Event name is required").max(200, "Event names are at most 200 characters"),
  description: z.string().max(2000).default(""),
  /** JSON Schema for `properties`. */
  schema: schemaObject.default({ type: "object" }),
});
export type PlanEvent = z.infer<typeof planEvent>;

export const traitsRule = z.object({
  description: z.string().max(2000).default(""),
  /** JSON Schema for `traits`; its `properties` are the planned traits. */
  schema: schemaObject.default({ type: "object" }),
});

export const planRules = z
  .object({
    events: z.array(planEvent).max(MAX_EVENTS, `A plan has at most ${MAX_EVENTS} events`).default([]),
    identify: traitsRule.nullable().default(null),
    group: traitsRule.nullable().default(null),
  })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.events.forEach((e, i) => {
      const key = `${e.type}:${e.name}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["events", i, "name"],
          message: `${e.type} "${e.name}" is listed twice`,
        });
      }
      seen.add(key);
      const problem = checkSchema(e.schema);
      if (problem) ctx.addIssue({ code: "custom", path: ["events", i, "schema"], message: problem });
    });
    for (const key of ["identify", "group"] as const) {
      const rule = rules[key];
      const problem = rule && checkSchema(rule.schema);
      if (problem) ctx.addIssue({ code: "custom", path: [key, "schema"], message: problem });
    }
  });
export type PlanRules = z.infer<typeof planRules>;

const REFUSED: Record<string, string> = {
  uniqueItems: '"uniqueItems" is not supported (its cost grows with the square of an array\'s length)',
  format: '"format" is not supported; use "pattern"',
  $data: '"$data" references are not supported',
  $dynamicRef: '"$dynamicRef" is not supported',
  $recursiveRef: '"$recursiveRef" is not supported',
};

function patternProblem(pattern: unknown, where: string): string | null {
  if (typeof pattern !== "string") return `${where}: a pattern must be a string`;
  if (pattern.length > MAX_PATTERN) return `${where}: patterns are at most ${MAX_PATTERN} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    return `${where}: pattern ${JSON.stringify(pattern)} is not supported (${(err as Error).message}); backreferences and lookaround are not available`;
  }
}

/** Why a property/trait schema may not be used, or null. Then compilePlan does the rest. */
export function checkSchema(schema: unknown, depth = 0, where = "schema"): string | null {
  if (depth > MAX_SCHEMA_DEPTH) return `${where}: schemas nest at most ${MAX_SCHEMA_DEPTH} levels`;
  if (Array.isArray(schema)) {
    for (let i = 0; i < schema.length; i++) {
      const p = checkSchema(schema[i], depth + 1, `${where}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (typeof schema !== "object" || schema === null) return null;
  const obj = schema as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const here = `${where}.${key}`;
    if (REFUSED[key]) return `${here}: ${REFUSED[key]}`;
    if (key === "$ref" && (typeof obj.$ref !== "string" || !obj.$ref.startsWith("#")))
      return `${here}: only local references ("#/...") are supported`;
    if (key === "pattern" && where.split(".").pop() !== "properties") {
      const p = patternProblem(obj.pattern, here);
      if (p) return p;
    }
    if (key === "patternProperties" && typeof obj.patternProperties === "object" && obj.patternProperties) {
      for (const pattern of Object.keys(obj.patternProperties)) {
        const p = patternProblem(pattern, here);
        if (p) return p;
      }
    }
    const p = checkSchema(obj[key], depth + 1, here);
    if (p) return p;
  }
  return null;
}

/** Ajv's RegExpEngine on RE2: same `test` contract, linear-time matching. */
const re2Engine = Object.assign(
  (pattern: string) => {
    const compiled = RE2JS.compile(pattern);
    return { test: (s: string) => compiled.test(s) };
  },
  { code: "re2js" },
);

function newAjv(): Ajv {
  return new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: false,
    code: { regExp: re2Engine },
  });
}

export interface CompiledPlan {
  id: string;
  version: number;
  /** "track:Order Completed" -> validator of properties. */
  events: Map<string, ValidateFunction>;
  identify: { validate: ValidateFunction; planned: Set<string> } | null;
  group: { validate: ValidateFunction; planned: Set<string> } | null;
}

const plannedKeys = (schema: Record<string, unknown>): Set<string> => {
  const props = schema.properties;
  return new Set(typeof props === "object" && props !== null ? Object.keys(props) : []);
};

/** Compiles every schema of a plan; throws with a message naming the event on a bad schema. */
export function compilePlan(id: string, version: number, rules: PlanRules): CompiledPlan {
  const ajv = newAjv();
  const compile = (schema: Record<string, unknown>, label: string) => {
    try {
      return ajv.compile(schema);
    } catch (err) {
      throw new Error(`${label}: ${(err as Error).message}`);
    }
  };
  const events = new Map<string, ValidateFunction>();
  for (const e of rules.events) events.set(`${e.type}:${e.name}`, compile(e.schema, `${e.type} "${e.name}"`));
  const traits = (rule: PlanRules["identify"], label: string) =>
    rule ? { validate: compile(rule.schema, label), planned: plannedKeys(rule.schema) } : null;
  return {
    id,
    version,
    events,
    identify: traits(rules.identify, "identify"),
    group: traits(rules.group, "group"),
  };
}

/** Parses stored rules (they were validated when saved). */
export function parseRules(text: string): PlanRules {
  return planRules.parse(JSON.parse(text || "{}"));
}

export type { ErrorObject };
