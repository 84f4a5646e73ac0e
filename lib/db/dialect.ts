// Which engine DATABASE_URL names. SQLite (file:) is the embedded default; postgres:// or
// postgresql:// switches every store to PostgreSQL (docs/scaling.md).

export type Dialect = "sqlite" | "postgresql";

export function dialectOf(databaseUrl: string): Dialect {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgresql" : "sqlite";
}
