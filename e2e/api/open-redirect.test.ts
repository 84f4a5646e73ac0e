import { beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/e2e/api/auth-flow";
import { baseUrl, createUser, prisma } from "@/e2e/api/support";
import { hashPassword } from "@/lib/auth/password";

// After signing in the browser goes to callbackUrl: only paths on this console, never off-site.

const PASSWORD = "redirect test password";
let email: string;

beforeAll(async () => {
  const user = await createUser("redirect");
  email = user.email;
  await (await prisma()).user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
});

describe("callbackUrl stays on this console", () => {
  it.each(["//evil.example/x", "/\\evil.example", "https://evil.example/x", "/\t/evil.example"])(
    "a real sign-in with callbackUrl=%j lands on this origin",
    async (callbackUrl) => {
      const res = await signInWithPassword(email, PASSWORD, { callbackUrl });
      expect(res.session).not.toBeNull();
      expect(new URL(res.url!).origin).toBe(new URL(baseUrl).origin);
      expect(res.url).not.toContain("evil.example");
    },
  );

  it("keeps a same-origin path", async () => {
    const res = await signInWithPassword(email, PASSWORD, { callbackUrl: "/welcome?tab=1" });
    expect(res.url).toBe(`${new URL(baseUrl).origin}/welcome?tab=1`);
  });

  it("the login page hands the form only a safe path", async () => {
    for (const callbackUrl of ["//evil.example/x", "/\\evil.example"]) {
      const res = await fetch(`${baseUrl}/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      expect(res.status).toBe(200);
      // The URL itself is echoed in the page's router state; the form's prop is what it acts on.
      const prop = /callbackUrl\\?":\\?"([^"\\]*)/.exec(await res.text());
      expect(prop?.[1]).toBe("/");
    }
  });
});
