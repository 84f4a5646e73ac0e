import { z } from "zod";
import { schemaNameProblem, snakeCase } from "./naming";

// Request bodies of the warehouse routes, shared by the handlers, the console and the tests.

const ident = z
  .string({ error: "Must be text" })
  .trim()
  .min(1, "Required")
  .max(63, "At most 63 characters")
  .refine((v) => snakeCase(v) === v, "Use lower-case letters, digits and _ (as the warehouse names them)");

export const warehouseUpdate = z
  .object({
    schemas: z
      .array(
        z.object({
          sourceId: z.string({ error: "Required" }).min(1).max(100),
          schemaName: z
            .string({ error: "Required" })
            .trim()
            .superRefine((v, ctx) => {
              const problem = schemaNameProblem(v);
              if (problem) ctx.addIssue({ code: "custom", message: problem });
            }),
        }),
      )
      .max(200, "At most 200 sources"),
    /** Selective Sync: what is switched off. A column of "" (or none) switches off the whole table. */
    disabled: z
      .array(
        z.object({
          table: ident,
          column: ident
            .refine((c) => c !== "id", "The id column cannot be switched off: it is the primary key")
            .optional(),
        }),
      )
      .max(5000, "At most 5,000 switched-off tables and columns"),
  })
  .partial()
  .strict();
export type WarehouseUpdate = z.input<typeof warehouseUpdate>;

/** Test connection: the settings as the form holds them (a masked password means the stored one). */
export const connectionTest = z
  .object({
    type: z.string({ error: "Choose a destination type" }).max(100),
    settings: z.record(z.string(), z.unknown(), { error: "settings must be an object" }).default({}),
    destinationId: z.string().min(1).max(100).optional(),
  })
  .strict();
