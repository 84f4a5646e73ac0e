// npm run user:password -- <email>: sets a new generated password for a user (for a lost demo
// password, or an owner locked out). Prints it once. Reads DATABASE_URL like the server does.
import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { dialectOf } from "@/lib/db/dialect";
import { migrate } from "@/lib/db/migrate";
import { pgPool } from "@/lib/db/pg";
import { migratePg } from "@/lib/db/pg-migrate";
import { sqlite } from "@/lib/db/sqlite";
import { env } from "@/lib/env";

const email = process.argv[2]?.toLowerCase();
if (!email) {
  console.error("usage: npm run user:password -- <email>");
  process.exit(2);
}
const postgres = dialectOf(env().DATABASE_URL) === "postgresql";
if (postgres) await migratePg(pgPool()).finally(() => pgPool().end());
else migrate(sqlite());
const password = process.env.NEW_PASSWORD ?? randomBytes(12).toString("base64url");
const updated = await db.user.updateMany({
  where: { email },
  // A new password ends every session signed in with the old one.
  data: { passwordHash: await hashPassword(password), sessionVersion: { increment: 1 } },
});
if (updated.count === 0) {
  console.error(`No user with email ${email}`);
  process.exit(1);
}
console.log(`New password for ${email}: ${password}`);
// Open pools (PostgreSQL) would keep the process alive.
process.exit(0);
