// Browser side of password sign-in: next-auth's endpoints called directly (instead of its
// signIn()) so a throttled answer's Retry-After reaches the form.

export type SignInOutcome = { ok: true } | { ok: false; message: string };

export async function signInWithPassword(email: string, password: string): Promise<SignInOutcome> {
  try {
    const { csrfToken } = (await (await fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    });
    if (res.status === 429) {
      const wait = Number(res.headers.get("retry-after") ?? 0);
      return {
        ok: false,
        message: `Too many sign-in attempts. Wait ${wait} second${wait === 1 ? "" : "s"}, then try again.`,
      };
    }
    const data = (await res.json().catch(() => ({}))) as { url?: string };
    const error = data.url ? new URL(data.url, window.location.origin).searchParams.get("error") : "unknown";
    if (!res.ok || error) return { ok: false, message: "That email and password do not match an account." };
    return { ok: true };
  } catch {
    return { ok: false, message: "Could not reach the server. Check your connection and try again." };
  }
}
