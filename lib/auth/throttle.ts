import { db } from "@/lib/db";
import { AppError, RateLimited } from "@/lib/errors";

// Sign-in throttling (docs/security.md#limits). Failures are counted per account and per client
// address; after a few free attempts every further failure locks the key for twice as long as
// the one before (1 s, 2 s, 4 s ... up to 15 minutes). A success clears the account's count; the
// address's count only fades (15 minutes without a failure), so signing in to one's own account
// between guesses does not reset it. Counts live in the database: every process sees them.

export interface ThrottleRule {
  free: number;
  maxLockSeconds: number;
  forgetAfterSeconds: number;
}

export const RULES = {
  account: { free: 5, maxLockSeconds: 15 * 60, forgetAfterSeconds: 15 * 60 },
  client: { free: 20, maxLockSeconds: 15 * 60, forgetAfterSeconds: 15 * 60 },
  signup: { free: 3, maxLockSeconds: 60 * 60, forgetAfterSeconds: 60 * 60 },
} satisfies Record<string, ThrottleRule>;
export type ThrottleKind = keyof typeof RULES;

export const throttleKey = (kind: ThrottleKind, value: string) => `${kind}:${value.toLowerCase()}`;

/** Seconds until `key` may try again (0 when it may now). */
export async function retryAfter(key: string, now = Date.now()): Promise<number> {
  const row = await db.signInThrottle.findUnique({ where: { key } });
  if (!row?.lockedUntil) return 0;
  return Math.max(0, Math.ceil((row.lockedUntil.getTime() - now) / 1000));
}

/** The longest wait among `keys`. */
export async function retryAfterAny(keys: string[], now = Date.now()): Promise<number> {
  const waits = await Promise.all(keys.map((k) => retryAfter(k, now)));
  return Math.max(0, ...waits);
}

/** Counts one failure for `key`; returns the lock it now has, in seconds. */
export async function recordFailure(kind: ThrottleKind, key: string, now = Date.now()): Promise<number> {
  const rule = RULES[kind];
  const row = await db.signInThrottle.findUnique({ where: { key } });
  const stale = !row || now - row.updatedAt.getTime() > rule.forgetAfterSeconds * 1000;
  const failures = (stale ? 0 : row.failures) + 1;
  const over = failures - rule.free;
  const lockSeconds = over > 0 ? Math.min(2 ** (over - 1), rule.maxLockSeconds) : 0;
  const lockedUntil = lockSeconds ? new Date(now + lockSeconds * 1000) : null;
  await db.signInThrottle.upsert({
    where: { key },
    create: { key, failures, lockedUntil },
    update: { failures, lockedUntil },
  });
  return lockSeconds;
}

export async function clearFailures(key: string): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key } });
}

/** The client address the server saw (set by scripts/server.ts from the socket, never from input). */
export function clientAddress(headers: Headers | Record<string, unknown> | undefined): string {
  const value =
    headers instanceof Headers
      ? headers.get(CLIENT_HEADER)
      : (headers?.[CLIENT_HEADER] as string | string[] | undefined);
  const first = Array.isArray(value) ? value[0] : value;
  return first || "unknown";
}

export const CLIENT_HEADER = "x-switchyard-client-address";

/**
 * Runs a sign-up that may answer "an account with this email already exists": refused with 429
 * while the client address is over its ration of such answers, and every such answer counts.
 */
export async function rationedSignup<T>(headers: Headers, run: () => Promise<T>): Promise<T> {
  const key = throttleKey("signup", clientAddress(headers));
  const wait = await retryAfter(key);
  if (wait > 0) throw new RateLimited(`Too many sign-up attempts. Try again in ${wait} seconds.`, wait);
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError && err.code === "conflict" && err.fields?.some((f) => f.path === "email"))
      await recordFailure("signup", key);
    throw err;
  }
}
