import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

describe("configuration", () => {
  it("needs nothing for the embedded mode", () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBe("file:./data/switchyard.db");
    expect(e.PORT).toBe(3000);
    expect(e.SIGNUP_ENABLED).toBe(true);
    expect(e.INGEST_RATE_LIMIT_PER_SECOND).toBe(0);
    expect(e.ARCHIVE_RETENTION_DAYS).toBe(7);
    expect(e.ALLOW_PRIVATE_DESTINATIONS).toBe(false);
  });

  it("names every bad variable and says why", () => {
    try {
      parseEnv({
        PORT: "99999",
        DATABASE_URL: "mysql://x",
        ENCRYPTION_KEY: "short",
        SIGNUP_ENABLED: "maybe",
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const message = (err as Error).message;
      expect(message).toContain("PORT");
      expect(message).toContain("DATABASE_URL: must start with file: (SQLite) or postgres:// (PostgreSQL)");
      expect(message).toContain("ENCRYPTION_KEY: must be 32 bytes, base64-encoded");
      expect(message).toContain("SIGNUP_ENABLED");
    }
  });

  it("requires the OIDC variables together", () => {
    expect(() => parseEnv({ OIDC_ISSUER: "https://id.example.com" })).toThrow(/go together/);
    expect(
      parseEnv({ OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "b" })
        .OIDC_ISSUER,
    ).toBe("https://id.example.com");
  });

  it("parses booleans and numbers", () => {
    const e = parseEnv({
      SIGNUP_ENABLED: "false",
      ALLOW_PRIVATE_DESTINATIONS: "1",
      SESSION_MAX_AGE_HOURS: "2",
    });
    expect(e.SIGNUP_ENABLED).toBe(false);
    expect(e.ALLOW_PRIVATE_DESTINATIONS).toBe(true);
    expect(e.SESSION_MAX_AGE_HOURS).toBe(2);
  });
});

describe("PostgreSQL mode", () => {
  it("requires the shared secrets, since every instance must use the same ones", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgresql://db/switchyard" })).toThrow(
      /AUTH_SECRET and ENCRYPTION_KEY are required with a PostgreSQL DATABASE_URL/,
    );
    const e = parseEnv({
      DATABASE_URL: "postgresql://db/switchyard",
      AUTH_SECRET: "x".repeat(32),
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(e.PG_POOL_MAX).toBe(10);
    expect(e.PG_BLOCKING_TIMEOUT_MS).toBe(60_000);
  });

  it("refuses a statement timeout too short to be meant", () => {
    const shared = { AUTH_SECRET: "x".repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(() =>
      parseEnv({ DATABASE_URL: "postgresql://db/switchyard", ...shared, PG_BLOCKING_TIMEOUT_MS: "10" }),
    ).toThrow(/PG_BLOCKING_TIMEOUT_MS/);
  });
});
