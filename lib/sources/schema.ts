import { z } from "zod";
import { nameSchema } from "@/lib/validation/names";

// One schema per resource, shared by the route handlers, the client hooks and the tests.

export const environmentLabel = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,31}$/,
    "Use 1-32 lowercase letters, digits or dashes (e.g. dev, prod, staging)",
  );

export const SUGGESTED_LABELS = ["dev", "staging", "prod"] as const;

const websiteUrl = z
  .string()
  .trim()
  .url("Enter a full URL such as https://example.com")
  .refine((u) => /^https?:\/\//.test(u), "Only http(s) URLs")
  .max(2048);

export const sourceInput = z.object({
  name: nameSchema("source"),
  type: z.string().min(1, "Choose a source type"),
  environment: environmentLabel,
  websiteUrl: z.union([websiteUrl, z.literal("").transform(() => undefined)]).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type SourceInput = z.input<typeof sourceInput>;

export const sourceUpdate = z
  .object({
    name: sourceInput.shape.name,
    environment: environmentLabel,
    websiteUrl: z.union([websiteUrl, z.literal(""), z.null()]).transform((v) => v || null),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type SourceUpdate = z.input<typeof sourceUpdate>;
