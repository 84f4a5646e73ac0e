import { z } from "zod";
import { getUseCase } from "@/lib/catalog/use-cases";
import { destinationName } from "@/lib/destinations/schema";
import { TRACKING_PLAN_LIBRARIES } from "@/lib/use-cases/snippets";
import { nameSchema } from "@/lib/validation/names";

// One schema per setup request, shared by the route handlers, the client hooks and the tests.

/** The environment labels guided setup works with. */
export const DEV = "dev";
export const PROD = "prod";

export const chooseInput = z
  .object({
    goalId: z.string({ error: "Choose a business goal" }).min(1, "Choose a business goal"),
    useCaseSlug: z.string({ error: "Choose a use case" }).min(1, "Choose a use case"),
  })
  .strict()
  .refine((v) => getUseCase(v.goalId, v.useCaseSlug) !== undefined, {
    message: "Unknown business goal or use case",
    path: ["useCaseSlug"],
  });
export type ChooseInput = z.input<typeof chooseInput>;

export const libraryId = z.enum(TRACKING_PLAN_LIBRARIES.map((l) => l.id) as [string, ...string[]], {
  error: "Unknown tracking library",
});

export const reviewInput = z.object({ library: libraryId.optional() }).strict();
export type ReviewInput = z.input<typeof reviewInput>;

const id = (what: string) =>
  z
    .string({ error: `Choose ${what}` })
    .min(1, `Choose ${what}`)
    .max(100);

export const copySourceInput = z
  .object({
    sourceId: id("a dev source"),
    name: nameSchema("source").optional(),
  })
  .strict();
export type CopySourceInput = z.input<typeof copySourceInput>;

export const copyDestinationInput = z
  .object({
    destinationId: id("a dev destination"),
    prodSourceId: id("the prod source it receives from"),
    name: destinationName.optional(),
  })
  .strict();
export type CopyDestinationInput = z.input<typeof copyDestinationInput>;

/** What the `steps` column holds. Unknown or broken JSON reads as empty rather than failing a page. */
export const storedSteps = z
  .object({
    environmentsAt: z.string().optional(),
    /** prod id -> the dev id it was published from. */
    published: z
      .object({
        sources: z.record(z.string(), z.string()).default({}),
        destinations: z.record(z.string(), z.string()).default({}),
      })
      .default({ sources: {}, destinations: {} }),
  })
  .catch({ published: { sources: {}, destinations: {} } });
export type StoredSteps = z.output<typeof storedSteps>;

export function parseSteps(text: string | null | undefined): StoredSteps {
  let value: unknown = {};
  try {
    value = text ? JSON.parse(text) : {};
  } catch {}
  return storedSteps.parse(value);
}
