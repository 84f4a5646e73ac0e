import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

// Two projects: `unit` (pure code and real SQLite files, beside the code) and `api` (HTTP against
// the built server started once by e2e/api/global-setup.ts). `npm test` runs both.
export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "api",
          include: ["e2e/api/**/*.test.ts"],
          environment: "node",
          globalSetup: ["e2e/api/global-setup.ts"],
          fileParallelism: false,
        },
      },
      {
        // Several instances and delivery workers on one PostgreSQL database (needs a build).
        extends: true,
        test: { name: "cluster", include: ["e2e/cluster/**/*.test.ts"], environment: "node" },
      },
    ],
  },
});
