import { z } from "zod";

// One length limit per kind of name, one wording for every name error, and one rule for when two
// names are the same. Shared by the API schemas (lib/<resource>/schema.ts), the forms (maxLength
// and the messages they show) and the tests. No database imports: the browser bundles this file.
// The table is documented in docs/console.md.

export const NAME_LIMITS = {
  /** Shown in the workspace switcher and the welcome heading, so shorter than the rest. */
  workspace: 80,
  person: 100,
  source: 100,
  destination: 100,
  filter: 100,
  function: 100,
  trackingPlan: 100,
  matcher: 100,
} as const;
export type NameKind = keyof typeof NAME_LIMITS;

/** The noun used in "A source named … already exists". */
export const NAME_NOUNS: Record<NameKind, string> = {
  workspace: "workspace",
  person: "person",
  source: "source",
  destination: "destination",
  filter: "filter",
  function: "function",
  trackingPlan: "tracking plan",
  matcher: "matcher",
};

export const NAME_REQUIRED = "Name is required";
export const nameTooLong = (max: number) => `Name must be at most ${max} characters`;

/** The zod schema of a name of this kind: trimmed, required, at most NAME_LIMITS[kind] characters. */
export function nameSchema(kind: NameKind) {
  const max = NAME_LIMITS[kind];
  return z
    .string({ error: (issue) => (issue.input === undefined ? NAME_REQUIRED : "Name must be text") })
    .trim()
    .min(1, NAME_REQUIRED)
    .max(max, nameTooLong(max));
}

/** The same check as nameSchema, for a form that validates before posting: null when fine. */
export function nameProblem(kind: NameKind, value: string): string | null {
  const checked = nameSchema(kind).safeParse(value);
  return checked.success ? null : (checked.error.issues[0]?.message ?? NAME_REQUIRED);
}

/**
 * Two names clash when they differ only in case or surrounding/repeated spaces: "Drop orders" and
 * " drop  Orders" are the same name to someone picking from a list.
 */
export function nameKey(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** The row among `rows` (other than `exceptId`) whose name clashes with `name`, if any. */
export function findNameClash<T extends { id: string; name: string }>(
  rows: readonly T[],
  name: string,
  exceptId?: string,
): T | undefined {
  const key = nameKey(name);
  return rows.find((r) => r.id !== exceptId && nameKey(r.name) === key);
}

/** The one wording of a clash, naming the name already taken and where. */
export function nameTakenMessage(kind: NameKind, takenName: string, where = ""): string {
  return `A ${NAME_NOUNS[kind]} named "${takenName}" already exists${where ? ` ${where}` : ""}`;
}
