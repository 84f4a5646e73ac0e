import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";

// Applies the committed SQL migrations in prisma/migrations in order, each in a transaction,
// recording them in _switchyard_migrations. Runs at every start; applied ones are skipped.
// (Prisma's own `migrate deploy` replays SQL through the driver adapter, which better-sqlite3
// rejects for multi-statement scripts; see ../shared/TOOLCHAIN.md.)

export function migrationsDir(): string {
  return path.resolve(process.cwd(), "prisma", "migrations");
}

export function migrate(db: Database.Database, dir = migrationsDir()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "_switchyard_migrations" (
    "name" TEXT NOT NULL PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
  const done = new Set(
    (db.prepare(`SELECT "name" FROM "_switchyard_migrations"`).all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const pending = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !done.has(d.name))
    .map((d) => d.name)
    .sort();
  for (const name of pending) {
    const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    db.transaction(() => {
      db.exec(sql);
      db.prepare(`INSERT INTO "_switchyard_migrations" ("name", "appliedAt") VALUES (?, ?)`).run(
        name,
        new Date().toISOString(),
      );
    })();
  }
  return pending;
}
