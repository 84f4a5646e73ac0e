// npx tsx bench/sign-in.ts — how long a password sign-in takes for a known email with a wrong
// password, an unknown email, and the right password, against the real built server (`npx next
// build` first). The unknown email should cost what a known one does (a dummy scrypt hash is
// checked), so the ratio unknown / known-wrong is the number to watch (1.0 = nothing to learn).
// Throttling is reset before each attempt (it would answer 429 after a few failures).
// BENCH_ROUNDS (default 20).
import path from "node:path";
import Database from "better-sqlite3";
import { startServer } from "@/e2e/support/server";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const OWNER = { email: "owner@demo.switchyard.local", password: "bench-owner-password-123" };

async function signIn(base: string, email: string, password: string) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const started = performance.now();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  await res.text();
  return { ms: performance.now() - started, status: res.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = await startServer({
  port: Number(process.env.BENCH_PORT ?? 3390),
  dataDir: "data/bench-sign-in",
  fresh: true,
  env: { DEMO_SEED: "true", DEMO_OWNER_PASSWORD: OWNER.password, DELIVERY_IN_PROCESS: "false" },
});
const db = new Database(path.join(server.dataDir, "switchyard.db"));
const reset = () => db.prepare(`DELETE FROM "SignInThrottle"`).run();
const times = { knownWrong: [] as number[], unknown: [] as number[], right: [] as number[] };
try {
  for (let warm = 0; warm < 3; warm++) {
    reset();
    await signIn(server.url, OWNER.email, "warm up");
    await signIn(server.url, `warm-${warm}@nowhere.test`, "warm up");
  }
  for (let i = 0; i < ROUNDS; i++) {
    reset();
    times.knownWrong.push((await signIn(server.url, OWNER.email, `wrong ${i}`)).ms);
    reset();
    times.unknown.push((await signIn(server.url, `nobody-${i}@nowhere.test`, `wrong ${i}`)).ms);
    reset();
    times.right.push((await signIn(server.url, OWNER.email, OWNER.password)).ms);
  }
} finally {
  db.close();
  await server.stop();
}
const m = {
  knownWrong: median(times.knownWrong),
  unknown: median(times.unknown),
  right: median(times.right),
};
console.log(`sign-in, median of ${ROUNDS} each (ms):`);
console.log(`  known email, wrong password  ${m.knownWrong.toFixed(1)}`);
console.log(`  unknown email                ${m.unknown.toFixed(1)}`);
console.log(`  known email, right password  ${m.right.toFixed(1)}`);
console.log(`ratio unknown / known-wrong: ${(m.unknown / m.knownWrong).toFixed(2)}`);
