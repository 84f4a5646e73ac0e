import { z } from "zod";
import { getDestinationType, validateSettings } from "@/lib/catalog";
import { nameSchema } from "@/lib/validation/names";

// One schema per resource, shared by the route handlers, the client hooks and the tests.
// Settings errors carry paths under "settings." (e.g. "settings.url", "settings.headers.0.key") so
// the form can put each message under its own input.

export const destinationName = nameSchema("destination");

const sourceIds = z
  .array(z.string().min(1).max(100), { error: "sourceIds must be a list of source ids" })
  .max(200, "At most 200 sources")
  .transform((ids) => [...new Set(ids)]);

/** Raw settings as a form posts them; the catalog validates them once the type is known. */
const rawSettings = z.record(z.string(), z.unknown(), { error: "settings must be an object" });

export const destinationInput = z
  .object({
    type: z
      .string({ error: "Choose a destination type" })
      .refine((t) => getDestinationType(t) !== undefined, "Unknown destination type"),
    name: destinationName,
    sourceIds: sourceIds.default([]),
    settings: rawSettings.default({}),
    enabled: z.boolean({ error: "enabled must be true or false" }).default(false),
  })
  // Runs even when name or sourceIds failed, so one response lists every problem.
  .superRefine(
    (input, ctx) => {
      const type = typeof input?.type === "string" ? input.type : "";
      if (!getDestinationType(type) || !isRecord(input.settings)) return;
      const checked = validateSettings(type, input.settings);
      if (checked.ok) return;
      for (const e of checked.errors)
        ctx.addIssue({ code: "custom", message: e.message, path: ["settings", ...splitPath(e.path)] });
    },
    { when: () => true },
  )
  .transform((input) => {
    const checked = validateSettings(input.type, input.settings);
    return { ...input, settings: checked.ok ? checked.settings : input.settings };
  });
export type DestinationInput = z.input<typeof destinationInput>;
export type DestinationCreate = z.output<typeof destinationInput>;

/**
 * Every field optional. `settings` is merged into the stored settings (mergeSettingsUpdate): omitted
 * keys keep their value and a posted-back SECRET_MASK keeps the stored secret.
 */
export const destinationUpdate = z
  .object({
    name: destinationName,
    enabled: z.boolean({ error: "enabled must be true or false" }),
    sourceIds,
    settings: rawSettings,
  })
  .partial()
  .strict();
export type DestinationUpdate = z.input<typeof destinationUpdate>;
export type DestinationChange = z.output<typeof destinationUpdate>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const splitPath = (path: string) => (path ? path.split(".") : []);

/** Prefixes catalog paths ("url") into request paths ("settings.url"). */
export function settingsFieldErrors(errors: { path: string; message: string }[]) {
  return errors.map((e) => ({ path: e.path ? `settings.${e.path}` : "settings", message: e.message }));
}
