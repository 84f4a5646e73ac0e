import { z } from "zod";
import { RESERVED_SLUGS } from "@/lib/slug";
import { nameSchema } from "@/lib/validation/names";

export const workspaceName = nameSchema("workspace");
export const workspaceSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,47}$/, "Use 2-48 lowercase letters, digits or dashes")
  .refine((s) => !RESERVED_SLUGS.has(s), "This slug is reserved");

export const workspaceUpdate = z.object({ name: workspaceName, slug: workspaceSlug }).partial().strict();

export const signupInput = z.object({
  name: nameSchema("person"),
  email: z.string().trim().toLowerCase().email("Enter a valid email address"),
  password: z.string().min(10, "Use at least 10 characters").max(200),
  workspaceName,
});
