// The PostgreSQL twin of prisma/schema.prisma. One model, two providers: the PostgreSQL schema
// file is derived from the SQLite one (never edited by hand), and a unit test checks that the
// committed copy matches (lib/db/pg-schema.test.ts). Types map one to one (String -> text,
// Int -> integer, BigInt -> bigint, DateTime -> timestamp(3), Boolean -> boolean), so the two
// generated clients have the same TypeScript shape and code is written once.

export const SQLITE_SCHEMA = "prisma/schema.prisma";
export const PG_SCHEMA = "prisma/postgresql/schema.prisma";
export const PG_MIGRATIONS = "prisma/postgresql/migrations";
export const PG_CONFIG = "prisma/postgresql/prisma.config.ts";

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:pg-schema\`: do not edit.
// Edit prisma/schema.prisma, then run \`npm run db:new-migration -- <name>\` (it regenerates
// this file and writes the PostgreSQL migration beside the SQLite one). docs/development.md.
`;

export function derivePostgresSchema(sqlite: string): string {
  let out = sqlite;
  const provider = /(datasource\s+db\s*\{[^}]*provider\s*=\s*)"sqlite"/;
  if (!provider.test(out)) throw new Error('prisma/schema.prisma: datasource provider "sqlite" not found');
  out = out.replace(provider, '$1"postgresql"');
  const output = /(generator\s+client\s*\{[^}]*output\s*=\s*)"\.\.\/lib\/generated\/prisma"/;
  if (!output.test(out))
    throw new Error("prisma/schema.prisma: generator output ../lib/generated/prisma not found");
  // One folder deeper, and its own client (the query compiler is provider-specific).
  out = out.replace(output, '$1"../../lib/generated/prisma-pg"');
  return HEADER + out;
}
