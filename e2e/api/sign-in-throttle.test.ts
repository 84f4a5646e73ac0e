import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/e2e/api/auth-flow";
import { baseUrl, createUser, prisma } from "@/e2e/api/support";
import { hashPassword } from "@/lib/auth/password";

// Brute force and account enumeration: failures are counted per account and per client address
// and answered with growing delays (429 + Retry-After, JSON); an unknown email gets exactly the
// answer a wrong password gets; sign-up's "already exists" is rationed per address.

const PASSWORD = "throttle test password";
let email: string;

beforeAll(async () => {
  const user = await createUser("throttle");
  email = user.email;
  await (await prisma()).user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
});

// This file locks the test client's address on purpose; later files must not inherit that.
afterEach(async () => {
  await (await prisma()).signInThrottle.deleteMany({});
});

async function failUntilThrottled(emailFor: (i: number) => string, max: number) {
  for (let i = 0; i < max; i++) {
    const res = await signInWithPassword(emailFor(i), "wrong password");
    if (res.status === 429) return { attempts: i, res };
    expect(res.session).toBeNull();
  }
  return { attempts: max, res: null };
}

describe("sign-in throttling", () => {
  it("locks an account after a few wrong passwords, with Retry-After, and the right one waits too", async () => {
    const { attempts, res } = await failUntilThrottled(() => email, 12);
    expect(res, "no 429 within 12 wrong passwords").not.toBeNull();
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(Number(res!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(res!.body).toMatchObject({
      error: { code: "rate_limited", message: expect.stringMatching(/Try again in \d+ second/) },
    });
    // While locked, the right password is refused too (the lock is what stops guessing).
    await (await prisma()).signInThrottle.update({
      where: { key: `account:${email}` },
      data: { lockedUntil: new Date(Date.now() + 60_000) },
    });
    const right = await signInWithPassword(email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.session).toBeNull();
    await (await prisma()).signInThrottle.deleteMany({});
    expect((await signInWithPassword(email, PASSWORD)).session).not.toBeNull();
  });

  it("locks a client address that tries many accounts", async () => {
    const { res } = await failUntilThrottled((i) => `nobody-${i}-${Date.now()}@test.local`, 30);
    expect(res, "no 429 within 30 unknown accounts from one address").not.toBeNull();
    expect(Number(res!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("answers an unknown email exactly as a wrong password", async () => {
    const unknown = await signInWithPassword(`nobody-${Date.now()}@test.local`, "wrong password");
    const wrong = await signInWithPassword(email, "wrong password");
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
  });

  it("a failure right after a success is still counted against the address", async () => {
    // Signing in to one's own account does not reset the address's count.
    for (let i = 0; i < 19; i++) await signInWithPassword(`nobody-a${i}@test.local`, "x");
    expect((await signInWithPassword(email, PASSWORD)).session).not.toBeNull();
    const { attempts } = await failUntilThrottled((i) => `nobody-b${i}@test.local`, 5);
    expect(attempts).toBeLessThanOrEqual(2);
  });
});

describe("sign-up does not hand out the account list", () => {
  it("rations 'already exists' per client address", async () => {
    const body = JSON.stringify({ name: "X", email, password: "long enough password", workspaceName: "X" });
    const post = () =>
      fetch(`${baseUrl}/api/signup`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl },
        body,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, 3)).toEqual([409, 409, 409]);
    expect(statuses).toContain(429);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("rations 'already exists' on invitation sign-up too", async () => {
    const { randomToken, sha256 } = await import("@/lib/crypto/secrets");
    const owner = await createUser("ration-owner");
    const ws = await (await import("@/e2e/api/support")).createWorkspace(owner.id);
    const token = randomToken(32);
    await (await prisma()).invitation.create({
      data: {
        workspaceId: ws.id,
        tokenHash: sha256(token),
        role: "read_only",
        expiresAt: new Date(Date.now() + 3600_000),
        createdById: owner.id,
      },
    });
    const post = () =>
      fetch(`${baseUrl}/api/invitations/${token}/signup`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl },
        body: JSON.stringify({ name: "X", email, password: "long enough password" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, 3)).toEqual([409, 409, 409]);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});
