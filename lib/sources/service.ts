import { getSourceType } from "@/lib/catalog";
import { mask, open, randomToken, seal, sha256 } from "@/lib/crypto/secrets";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { invalidateWriteKeyCache } from "@/lib/ingest/writekeys";
import { slugify, uniqueSlug } from "@/lib/slug";
import { type SourceInput, sourceInput } from "@/lib/sources/schema";
import { requireUniqueName } from "@/lib/validation/unique-name";

// Sources and their write keys. A write key is shown to owners and source admins (sealed at
// rest so it can be copied again) and looked up by ingest through its SHA-256 hash.

export function newWriteKey() {
  const key = randomToken(24); // 32 url-safe characters, like Segment's
  return {
    key,
    fields: {
      writeKeyHash: sha256(key),
      writeKeyCipher: seal(key, env().ENCRYPTION_KEY),
      writeKeyHint: mask(key),
    },
  };
}

export async function createSource(workspaceId: string, raw: SourceInput) {
  const input = sourceInput.parse(raw);
  if (!getSourceType(input.type))
    throw new AppError("bad_request", `Unknown source type "${input.type}"`, [
      { path: "type", message: "Unknown source type" },
    ]);
  await requireUniqueSourceName(workspaceId, input.name);
  const { key, fields } = newWriteKey();
  const source = await db.source.create({
    data: {
      workspaceId,
      name: input.name,
      slug: await uniqueSlug(slugify(input.name), async (slug) =>
        Boolean(
          await db.source.findUnique({
            where: { workspaceId_slug: { workspaceId, slug } },
            select: { id: true },
          }),
        ),
      ),
      type: input.type,
      environment: input.environment,
      websiteUrl: input.websiteUrl ?? null,
      settings: JSON.stringify(input.settings ?? {}),
      ...fields,
    },
  });
  return { source, writeKey: key };
}

/** 409 when another source of the workspace has this name (case-insensitive). */
export function requireUniqueSourceName(workspaceId: string, name: string, exceptId?: string) {
  return requireUniqueName(
    "source",
    name,
    () => db.source.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
    { exceptId },
  );
}

export async function regenerateWriteKey(sourceId: string) {
  const { key, fields } = newWriteKey();
  await db.source.update({ where: { id: sourceId }, data: fields });
  notifyWriteKeyChange();
  return key;
}

export async function revealWriteKey(sourceId: string): Promise<string> {
  const row = await db.source.findUniqueOrThrow({ where: { id: sourceId }, omit: { writeKeyCipher: false } });
  return open(row.writeKeyCipher, env().ENCRYPTION_KEY);
}

/** Ingest caches key lookups; a regenerated key or a disabled source must take effect at once. */
export const notifyWriteKeyChange = invalidateWriteKeyCache;
