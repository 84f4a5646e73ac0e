// Validation shared by the filters API, the filter editor and tests.

import { z } from "zod";
import { nameSchema } from "@/lib/validation/names";
import { fieldPathProblem, MAX_FIELD_PATH_SEGMENTS } from "./fields";
import { describeFqlError, parseFql } from "./fql";

export const filterAction = z.enum(["drop", "sample", "allow_fields", "drop_fields"], {
  error: 'Action must be one of "drop", "sample", "allow_fields" or "drop_fields"',
});

/** The parse error travels in `params.fql` so the editor can underline it. */
/** Segment's limit on an FQL query, counted in UTF-8 bytes (5 KB). */
export const MAX_CONDITION_BYTES = 5 * 1024;

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

export const filterCondition = z.string({ error: "Condition must be a string" }).superRefine((src, ctx) => {
  const bytes = utf8Bytes(src);
  if (bytes > MAX_CONDITION_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `Condition is ${bytes} bytes (UTF-8); the limit is 5 KB (${MAX_CONDITION_BYTES} bytes)`,
    });
    return;
  }
  const parsed = parseFql(src);
  if (!parsed.ok) {
    ctx.addIssue({
      code: "custom",
      message: describeFqlError(parsed.error),
      params: { fql: parsed.error },
    });
  }
});

const FIELD_PATH = /^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$-]+)*$/;

export const fieldPath = z
  .string()
  .max(200, "Field paths are at most 200 characters long")
  .regex(FIELD_PATH, 'Fields are dotted paths of letters, digits, "_", "$" or "-", e.g. properties.price')
  .refine((f) => f.split(".").length <= MAX_FIELD_PATH_SEGMENTS, {
    message: `Field paths have at most ${MAX_FIELD_PATH_SEGMENTS} parts`,
  });

export const sampleConfig = z.object(
  {
    percent: z
      .number({ error: "Percent must be a number" })
      .gt(0, "Percent must be more than 0")
      .lte(100, "Percent must be at most 100"),
    /** Sample per value of this field (e.g. userId: all of a user's events or none), as Segment does. */
    path: z
      .string({ error: "Path must be a field path such as userId" })
      .trim()
      .transform((p) => p || undefined)
      .pipe(fieldPath.optional())
      .nullish()
      .transform((p) => p ?? undefined),
  },
  { error: 'Config must look like { percent: 10 } or { percent: 10, path: "userId" }' },
);

export const fieldsConfig = z.object(
  {
    fields: z
      .array(fieldPath, { error: "Fields must be a list of field paths" })
      .min(1, "List at least one field")
      .max(100, "List at most 100 fields")
      .superRefine((fields, ctx) => {
        for (const [i, f] of fields.entries()) {
          const problem = fieldPathProblem(f);
          if (problem) ctx.addIssue({ code: "custom", message: problem, path: [i] });
        }
      })
      .transform((fields) => [...new Set(fields)]),
  },
  { error: 'Config must look like { fields: ["properties.email"] }' },
);

/** Drop filters need no config; whatever is sent is discarded. */
export const dropConfig = z
  .object({})
  .nullish()
  .transform(() => ({}));

const dropFieldsConfig = fieldsConfig;

/** Config schema per action, for handlers that merge an update into a stored filter and re-validate. */
export const filterConfigFor = {
  drop: dropConfig,
  sample: sampleConfig,
  allow_fields: fieldsConfig,
  drop_fields: dropFieldsConfig,
} as const;

const common = {
  name: nameSchema("filter"),
  condition: filterCondition,
  enabled: z.boolean({ error: "Enabled must be true or false" }).default(true),
};

export const filterInput = z.discriminatedUnion(
  "action",
  [
    z.object({ ...common, action: z.literal("drop"), config: dropConfig }),
    z.object({ ...common, action: z.literal("sample"), config: sampleConfig }),
    z.object({ ...common, action: z.literal("allow_fields"), config: fieldsConfig }),
    z.object({ ...common, action: z.literal("drop_fields"), config: dropFieldsConfig }),
  ],
  { error: 'Action must be one of "drop", "sample", "allow_fields" or "drop_fields"' },
);

/**
 * Every field optional. When action and config come together the config is checked against that action;
 * a config sent alone must be re-checked by the handler against the stored action (filterConfigFor).
 */
export const filterUpdate = z
  .object({
    name: common.name.optional(),
    condition: filterCondition.optional(),
    action: filterAction.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    enabled: common.enabled.unwrap().optional(),
  })
  .transform((update, ctx) => {
    if (update.action === undefined || update.config === undefined) return update;
    const checked = filterConfigFor[update.action].safeParse(update.config);
    if (checked.success) return { ...update, config: checked.data as Record<string, unknown> };
    for (const issue of checked.error.issues) {
      ctx.addIssue({ code: "custom", message: issue.message, path: ["config", ...issue.path] });
    }
    return z.NEVER;
  });

export const filterOrder = z.object({
  ids: z
    .array(z.string().min(1).max(100), { error: "ids must be a list of filter ids" })
    .max(500, "Too many filters")
    .refine((ids) => new Set(ids).size === ids.length, "Each filter may appear only once"),
});

export type FilterInput = z.output<typeof filterInput>;
export type FilterUpdate = z.output<typeof filterUpdate>;
export type FilterOrder = z.output<typeof filterOrder>;
