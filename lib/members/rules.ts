import { AppError, conflict } from "@/lib/errors";
import type { Role } from "@/lib/rbac/permissions";
import type { LabelScope } from "@/lib/rbac/scope";

// The membership rules that do not need a database, kept pure so they can be unit-tested.

export const LAST_OWNER_MESSAGE =
  "A workspace needs at least one owner. Make another member an owner before demoting or removing the last one.";

export const lastOwnerConflict = () => conflict(LAST_OWNER_MESSAGE, "role");

/**
 * The label scope a membership ends up with. Owners are never scoped, so asking for labels on an
 * owner is a mistake worth reporting rather than silently dropping. Leaving labels out keeps the
 * current scope, except when someone stops being an owner (owners had none).
 */
export function resolveScope(
  role: Role,
  requested: LabelScope | undefined,
  current: LabelScope = null,
): LabelScope {
  if (role === "owner") {
    if (requested && requested.length > 0)
      throw new AppError("bad_request", "Owners always see every label", [
        { path: "labels", message: "Owners always see every label; leave the scope empty" },
      ]);
    return null;
  }
  return requested === undefined ? current : requested;
}

/** What a PATCH turns a membership into. */
export function nextMembership(
  current: { role: Role; labels: LabelScope },
  input: { role?: Role; labels?: LabelScope },
): { role: Role; labels: LabelScope } {
  const role = input.role ?? current.role;
  const kept = current.role === "owner" ? null : current.labels;
  return { role, labels: resolveScope(role, input.labels, kept) };
}

/** Storage form of a scope: a JSON array, or null for every label. */
export function storeLabels(labels: LabelScope): string | null {
  return labels && labels.length > 0 ? JSON.stringify(labels) : null;
}
