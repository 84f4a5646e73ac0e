import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { privateDir, privateFile } from "@/lib/fs/private";

// All configuration comes from environment variables, validated once. Embedded mode needs none:
// the database is a SQLite file under ./data and the secrets are generated into ./data on first run.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgres:// (PostgreSQL)")
    .default("file:./data/switchyard.db"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: z.string().url("must be an absolute URL such as https://cdp.example.com").optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes, base64-encoded (openssl rand -base64 32)")
    .optional(),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  // A session ends this long after sign-in however active it is (refreshes never extend it).
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24 * 7),
  SIGNUP_ENABLED: bool.default(true),
  DEMO_SEED: bool.default(true),
  DEMO_OWNER_EMAIL: z.string().email().default("owner@demo.switchyard.local"),
  DEMO_OWNER_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Single sign-on"),
  INGEST_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(0),
  ARCHIVE_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(7),
  ALLOW_PRIVATE_DESTINATIONS: bool.default(false),
  DELIVERY_IN_PROCESS: bool.default(true),
  /** PostgreSQL only: connections of this process's raw pool (Prisma's adapter has its own). */
  PG_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  /** PostgreSQL only: how long a statement may go unanswered (lib/db/pg-sync.ts reads it too). */
  PG_BLOCKING_TIMEOUT_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  // The DELIVERY_* tuning variables are validated by lib/delivery/config.ts when delivery starts.
  DATA_DIR: z.string().default("./data"),
});

export type Env = z.infer<typeof schema> & {
  PUBLIC_URL: string;
  AUTH_SECRET: string;
  ENCRYPTION_KEY: string;
};

export class EnvError extends Error {}

/** Parses an environment; throws EnvError listing every bad variable. Pure: no files touched. */
export function parseEnv(source: Record<string, string | undefined>) {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const oidc = [result.data.OIDC_ISSUER, result.data.OIDC_CLIENT_ID, result.data.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new EnvError(
      "Invalid configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together",
    );
  }
  // Instances behind one load balancer must share the session secret and the key that seals
  // secrets at rest; a per-instance generated file would split them (docs/scaling.md).
  if (
    /^postgres/.test(result.data.DATABASE_URL) &&
    (!result.data.AUTH_SECRET || !result.data.ENCRYPTION_KEY)
  ) {
    throw new EnvError(
      "Invalid configuration:\n  AUTH_SECRET and ENCRYPTION_KEY are required with a PostgreSQL DATABASE_URL (every instance needs the same values; see docs/scaling.md)",
    );
  }
  return result.data;
}

interface StoredSecrets {
  authSecret: string;
  encryptionKey: string;
}

/** Secrets not given by the environment are generated once and kept in DATA_DIR/secrets.json (0600). */
function loadOrCreateSecrets(dataDir: string): StoredSecrets {
  const file = path.join(dataDir, "secrets.json");
  privateDir(dataDir);
  if (fs.existsSync(file)) {
    privateFile(file); // installs from before 0600 was enforced
    return JSON.parse(fs.readFileSync(file, "utf8")) as StoredSecrets;
  }
  const secrets = {
    authSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

const globalKey = Symbol.for("switchyard.env");
type GlobalWithEnv = typeof globalThis & { [globalKey]?: Env };

/** The validated environment, with generated secrets filled in. Also exports them to process.env. */
export function env(): Env {
  const g = globalThis as GlobalWithEnv;
  if (g[globalKey]) return g[globalKey];
  const parsed = parseEnv(process.env);
  const needStored = !parsed.AUTH_SECRET || !parsed.ENCRYPTION_KEY;
  const stored = needStored ? loadOrCreateSecrets(parsed.DATA_DIR) : undefined;
  const value: Env = {
    ...parsed,
    PUBLIC_URL: (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/$/, ""),
    AUTH_SECRET: parsed.AUTH_SECRET ?? stored!.authSecret,
    ENCRYPTION_KEY: parsed.ENCRYPTION_KEY ?? stored!.encryptionKey,
  };
  process.env.NEXTAUTH_SECRET ??= value.AUTH_SECRET;
  process.env.NEXTAUTH_URL ??= value.PUBLIC_URL;
  g[globalKey] = value;
  return value;
}
