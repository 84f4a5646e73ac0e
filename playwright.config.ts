import { defineConfig } from "@playwright/test";
import { testPort } from "./e2e/support/ports";

// Real Chromium (Debian's, since browser downloads are impossible here) against the real built
// server on a fresh SQLite file. e2e/global-setup.ts starts the server; the demo owner's password
// is fixed for tests through DEMO_OWNER_PASSWORD.
export const E2E_PORT = testPort(100);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  outputDir: "test-results",
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    // Specs call the console API through page.request, which (unlike the console's own fetches)
    // sends no Origin; the API refuses mutations without one (lib/api/csrf.ts). e2e/security.spec.ts
    // turns this off to test what a real cross-site page can do.
    extraHTTPHeaders: { origin: `http://localhost:${E2E_PORT}` },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
