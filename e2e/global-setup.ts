import { startServer } from "@/e2e/support/server";
import { OWNER } from "@/e2e/support/ui";
import { E2E_PORT } from "@/playwright.config";

/** Starts the built server with the demo seed on a fresh database; Playwright calls the teardown. */
export default async function globalSetup() {
  const server = await startServer({
    port: E2E_PORT,
    dataDir: "data/test-e2e",
    fresh: true,
    env: { DEMO_SEED: "true", DEMO_OWNER_PASSWORD: OWNER.password },
  });
  process.env.E2E_DATABASE_URL = server.databaseUrl;
  return async () => server.stop();
}
