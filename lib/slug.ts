/** "Marketing Website (EU)" -> "marketing-website-eu". */
export function slugify(value: string): string {
  return (
    value
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || "item"
  );
}

/** Slugs that would collide with console routes when used as a workspace slug. */
export const RESERVED_SLUGS = new Set([
  "api",
  "login",
  "signup",
  "invite",
  "logout",
  "new",
  "v1",
  "_next",
  "settings",
  "welcome",
]);

/**
 * The first of `base`, `base-2`, `base-3`… that `taken` says is free (and is not reserved when
 * `reserved` is given). Callers still rely on the unique index: this only picks a likely-free slug.
 */
export async function uniqueSlug(
  base: string,
  taken: (slug: string) => Promise<boolean>,
  reserved?: ReadonlySet<string>,
): Promise<string> {
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    if (slug.length < 2 || reserved?.has(slug)) continue;
    if (!(await taken(slug))) return slug;
  }
}
