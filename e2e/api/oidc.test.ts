import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, createWorkspace, prisma } from "@/e2e/api/support";
import { testPort } from "@/e2e/support/ports";
import { type RunningServer, startServer } from "@/e2e/support/server";

// Single sign-on against a real OpenID Connect provider (oidc-provider, run in this process with
// its development login form): only verified emails link or create accounts, the email comes from
// userinfo when the ID token has none, refusals land on the login page with their reason, and
// SIGNUP_ENABLED=false keeps SSO from creating accounts for people nobody invited.
//
// The provider keeps its default conformIdTokenClaims: true, so scope-requested claims such as
// email are NOT in the ID token of the code flow, only at the userinfo endpoint: the case where
// sign-in used to end on a bare "Access Denied".

const CLIENT = { client_id: "switchyard", client_secret: "switchyard-oidc-test-secret-0123456789" };

let op: ReturnType<typeof startProvider> extends Promise<infer T> ? T : never;
let sy: RunningServer;
const accounts = new Map<string, Record<string, unknown>>();

async function startProvider(port: number, callback: string) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ ...CLIENT, redirect_uris: [callback], token_endpoint_auth_method: "client_secret_basic" }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: true,
    cookies: { keys: ["oidc-test-cookie-key"] },
    async findAccount(_ctx, sub) {
      const claims = accounts.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
  });
  const server = provider.listen(port, "127.0.0.1");
  await new Promise<void>((r) => server.once("listening", () => r()));
  return { url: issuer, close: () => new Promise((r) => server.close(r)) };
}

/** A minimal cookie jar per origin (names only; paths ignored, good enough for one flow). */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair!.indexOf("=");
      const [name, value] = [pair!.slice(0, i), pair!.slice(i + 1)];
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  get(name: string) {
    return this.cookies.get(name);
  }
}

/** Signs in through "Continue with SSO" as `account`; returns where Switchyard sends the browser. */
async function ssoSignIn(account: string) {
  const syJar = new Jar();
  const opJar = new Jar();
  const csrf = await fetch(`${sy.url}/api/auth/csrf`);
  syJar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const start = await fetch(`${sy.url}/api/auth/signin/oidc`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: syJar.header() },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${sy.url}/`, json: "true" }),
    redirect: "manual",
  });
  syJar.take(start);
  let location = ((await start.json()) as { url: string }).url;
  for (let step = 0; step < 12 && location.startsWith(op.url); step++) {
    const res = await fetch(location, { headers: { cookie: opJar.header() }, redirect: "manual" });
    opJar.take(res);
    if (res.status === 200) {
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!prompt || !action) throw new Error(`unexpected provider page: ${html.slice(0, 300)}`);
      const form = new URLSearchParams({ prompt });
      if (prompt === "login") {
        form.set("login", account);
        form.set("password", "any");
      }
      const submit = await fetch(new URL(action, op.url), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: opJar.header() },
        body: form,
        redirect: "manual",
      });
      opJar.take(submit);
      location = new URL(submit.headers.get("location")!, op.url).href;
    } else {
      location = new URL(res.headers.get("location")!, location).href;
    }
  }
  expect(location.startsWith(`${sy.url}/api/auth/callback/oidc`), location).toBe(true);
  const done = await fetch(location, { headers: { cookie: syJar.header() }, redirect: "manual" });
  syJar.take(done);
  const session = syJar.get("next-auth.session-token");
  return {
    location: new URL(done.headers.get("location")!, sy.url),
    cookie: session ? `next-auth.session-token=${session}` : null,
  };
}

const email = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}@sso.test`;

beforeAll(async () => {
  const port = testPort(12);
  op = await startProvider(testPort(13), `http://localhost:${port}/api/auth/callback/oidc`);
  sy = await startServer({
    port,
    dataDir: process.env.DATA_DIR!, // the shared API test database, so fixtures are plain Prisma
    databaseUrl: process.env.DATABASE_URL!,
    env: {
      OIDC_ISSUER: op.url,
      OIDC_CLIENT_ID: CLIENT.client_id,
      OIDC_CLIENT_SECRET: CLIENT.client_secret,
      OIDC_NAME: "Test SSO",
      SIGNUP_ENABLED: "false",
      DELIVERY_IN_PROCESS: "false",
    },
  });
}, 120_000);

afterAll(async () => {
  await sy?.stop();
  await op?.close();
});

describe("single sign-on (OpenID Connect)", () => {
  it("refuses an unverified email, even one that matches an owner, and says why on the login page", async () => {
    const owner = await createUser("sso-owner");
    await createWorkspace(owner.id);
    accounts.set("mallory", { email: owner.email, email_verified: false, name: "Mallory" });
    const res = await ssoSignIn("mallory");
    expect(res.cookie).toBeNull();
    expect(res.location.pathname).toBe("/login");
    expect(res.location.searchParams.get("error")).toBe("sso_unverified_email");
    const page = await (await fetch(res.location)).text();
    expect(page).toContain("has not verified your email address");
  });

  it("signs a verified email in as its account, reading the email from userinfo", async () => {
    const user = await createUser("sso-member");
    const ws = await createWorkspace(user.id);
    accounts.set("member", { email: user.email, email_verified: true, name: user.name });
    const res = await ssoSignIn("member");
    expect(res.location.href).toBe(`${sy.url}/`);
    expect(res.cookie).not.toBeNull();
    const mine = await fetch(`${sy.url}/api/workspaces`, { headers: { cookie: res.cookie! } });
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as { workspaces: { slug: string }[] };
    expect(body.workspaces.map((w) => w.slug)).toEqual([ws.slug]);
  });

  it("accepts only the boolean true as verified", async () => {
    const user = await createUser("sso-string");
    accounts.set("stringy", { email: user.email, email_verified: "true" });
    const res = await ssoSignIn("stringy");
    expect(res.cookie).toBeNull();
    expect(res.location.searchParams.get("error")).toBe("sso_unverified_email");
  });

  it("refuses an identity without any email, with the reason", async () => {
    accounts.set("anonymous", { name: "No Mail" });
    const res = await ssoSignIn("anonymous");
    expect(res.cookie).toBeNull();
    expect(res.location.searchParams.get("error")).toBe("sso_no_email");
  });

  it("with SIGNUP_ENABLED=false creates no account for an uninvited stranger", async () => {
    const stranger = email("stranger");
    accounts.set("stranger", { email: stranger, email_verified: true });
    const res = await ssoSignIn("stranger");
    expect(res.cookie).toBeNull();
    expect(res.location.searchParams.get("error")).toBe("sso_signup_disabled");
    expect(await (await prisma()).user.findUnique({ where: { email: stranger } })).toBeNull();
    const page = await (await fetch(res.location)).text();
    expect(page).toContain("sign-up is turned off");
  });

  it("with SIGNUP_ENABLED=false creates the account of someone with a pending invitation", async () => {
    const owner = await createUser("sso-inviter");
    const ws = await createWorkspace(owner.id);
    const invited = email("invited");
    await (await prisma()).invitation.create({
      data: {
        workspaceId: ws.id,
        tokenHash: `sso-${invited}`,
        email: invited,
        role: "read_only",
        expiresAt: new Date(Date.now() + 3600_000),
        createdById: owner.id,
      },
    });
    accounts.set("invited", { email: invited, email_verified: true, name: "Invited Person" });
    const res = await ssoSignIn("invited");
    expect(res.cookie).not.toBeNull();
    expect(await (await prisma()).user.findUnique({ where: { email: invited } })).not.toBeNull();
  });
});
