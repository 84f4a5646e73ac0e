import { z } from "zod";
import { FUNCTION_KINDS } from "@/lib/functions/sandbox/types";
import { nameSchema } from "@/lib/validation/names";

// One schema per resource, shared by the route handlers, the client hooks and the tests.

export const MAX_CODE_CHARS = 128 * 1024;
export const SETTING_TYPES = ["string", "text", "number", "boolean"] as const;
export type SettingType = (typeof SETTING_TYPES)[number];

/** A setting the function declares; each instance fills in its value (sealed when secret). */
export const settingDecl = z.object({
  name: z
    .string({ error: "Name is required" })
    .regex(
      /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/,
      "Use a JavaScript identifier (letters, digits, _), e.g. apiKey",
    ),
  label: z.string().trim().max(100, "At most 100 characters").default(""),
  type: z.enum(SETTING_TYPES, { error: "type is string, text, number or boolean" }).default("string"),
  description: z.string().trim().max(500, "At most 500 characters").default(""),
  required: z.boolean().default(false),
  secret: z.boolean().default(false),
});
export type SettingDecl = z.output<typeof settingDecl>;

export const settingDecls = z
  .array(settingDecl, { error: "settings must be a list" })
  .max(50, "At most 50 settings")
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `Setting "${s.name}" is declared twice` });
      seen.add(s.name);
    });
  });

const name = nameSchema("function");
const code = z.string({ error: "code must be text" }).max(MAX_CODE_CHARS, "Code is limited to 128 KB");

export const functionCreate = z.object({
  kind: z.enum(FUNCTION_KINDS, { error: "kind is source, destination or insert" }),
  name,
  description: z.string().trim().max(500, "At most 500 characters").default(""),
  /** Template id (lib/functions/templates.ts); the blank template of the kind when absent. */
  template: z.string().max(100).optional(),
});
export type FunctionCreate = z.output<typeof functionCreate>;

export const functionUpdate = z
  .object({
    name,
    description: z.string().trim().max(500, "At most 500 characters"),
    code,
    settings: settingDecls,
  })
  .partial()
  .strict();
export type FunctionUpdate = z.output<typeof functionUpdate>;

const json = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });

/** A test run of the working copy (or `code` from the editor) against an event, a batch or a request. */
export const testRun = z
  .object({
    code: code.optional(),
    settings: json.default({}),
    event: json.optional(),
    events: z.array(json).min(1, "Add at least one event").max(100, "At most 100 events").optional(),
    request: z
      .object({
        method: z.string().max(10).default("POST"),
        url: z.string().max(2000).default(""),
        headers: z.record(z.string(), z.string()).default({}),
        body: z
          .string()
          .max(512 * 1024, "The sample body is limited to 512 KB")
          .default(""),
      })
      .optional(),
  })
  .strict()
  .refine((t) => [t.event, t.events, t.request].filter((x) => x !== undefined).length === 1, {
    message: "Send exactly one of event, events (onBatch) or request (source functions)",
  });
export type TestRun = z.output<typeof testRun>;

/** Creating an instance: a new source, a new destination, or attaching to an existing destination. */
export const instanceCreate = z
  .object({
    name: name.optional(),
    environment: z.string().trim().min(1).max(40).optional(),
    sourceIds: z.array(z.string().min(1).max(100)).max(200).optional(),
    destinationId: z.string().min(1).max(100).optional(),
    enabled: z.boolean().optional(),
    settings: json.default({}),
  })
  .strict();
export type InstanceCreate = z.output<typeof instanceCreate>;

export const instanceUpdate = z.object({ settings: json }).strict();
