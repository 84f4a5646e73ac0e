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
