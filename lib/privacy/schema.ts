import { z } from "zod";
import { CLASSIFICATIONS, MAX_PATTERNS_PER_MATCHER, validatePattern } from "@/lib/privacy/matchers";
import { isValidPath } from "@/lib/privacy/paths";
import { POLICIES } from "@/lib/privacy/policy";
import { nameSchema } from "@/lib/validation/names";

// One zod schema per privacy resource, shared by the routes, the page and the tests.

export const classification = z.enum(CLASSIFICATIONS as ["red", "yellow", "green"]);

export const fieldInput = z
  .object({
    path: z.string().refine(isValidPath, {
      message:
        "A field path starts with properties, traits or context, then keys of letters, digits, _, $ or - (e.g. traits.email)",
    }),
    classification,
    blockAtIngest: z.boolean().default(false),
  })
  .strict()
  .refine((f) => !f.blockAtIngest || f.classification === "red", {
    path: ["blockAtIngest"],
    message: "Only a Red field can be blocked for the whole workspace",
  });
export type FieldInput = z.infer<typeof fieldInput>;

const pattern = z.string().superRefine((p, ctx) => {
  try {
    validatePattern(p);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

export const matcherInput = z
  .object({
    name: nameSchema("matcher"),
    keyPatterns: z.array(pattern).max(MAX_PATTERNS_PER_MATCHER).default([]),
    valuePatterns: z.array(pattern).max(MAX_PATTERNS_PER_MATCHER).default([]),
    suggested: classification,
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((m) => m.keyPatterns.length + m.valuePatterns.length > 0, {
    path: ["keyPatterns"],
    message: "Give at least one key or value pattern",
  });
export type MatcherInput = z.infer<typeof matcherInput>;

export const matcherPatch = z.object({ enabled: z.boolean() }).strict();

const category = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\w .&/-]+$/, "Category names use letters, digits, spaces and . & / - _");

export const destinationPrivacyInput = z
  .object({
    policy: z.enum(POLICIES),
    consentCategories: z.array(category).max(20).default([]),
  })
  .strict();
export type DestinationPrivacyInput = z.infer<typeof destinationPrivacyInput>;

export const sourcePrivacyInput = z.object({ withoutConsent: z.enum(["deliver", "hold"]) }).strict();

const userIdValue = z.string().min(1, "Give the id").max(200);

export const deletionInput = z
  .object({
    idType: z.enum(["userId", "anonymousId"]),
    idValue: userIdValue,
    suppress: z.boolean().default(false),
  })
  .strict()
  .refine((d) => !d.suppress || d.idType === "userId", {
    path: ["suppress"],
    message: "Suppression works by userId",
  });
export type DeletionInput = z.infer<typeof deletionInput>;

export const suppressionInput = z.object({ userId: userIdValue, suppressed: z.boolean() }).strict();
