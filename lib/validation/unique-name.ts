import { conflict } from "@/lib/errors";
import { findNameClash, type NameKind, nameTakenMessage } from "@/lib/validation/names";

// The server half of unique names: 409 on the "name" field when a sibling already has the name
// (case-insensitive, spaces collapsed). Callers load the siblings' ids and names: the sets are
// small (one workspace's sources, one destination's filters, one user's workspaces), and comparing
// in JavaScript gives SQLite and PostgreSQL the same notion of "the same name".

export async function requireUniqueName(
  kind: NameKind,
  name: string,
  siblings: () => Promise<{ id: string; name: string }[]>,
  opts: { exceptId?: string; where?: string } = {},
): Promise<void> {
  const clash = findNameClash(await siblings(), name, opts.exceptId);
  if (clash) throw conflict(nameTakenMessage(kind, clash.name, opts.where), "name");
}
