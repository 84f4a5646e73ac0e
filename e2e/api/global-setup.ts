import fs from "node:fs";
import type { TestProject } from "vitest/node";
import { testPort } from "@/e2e/support/ports";
import { startServer } from "@/e2e/support/server";

// Starts the built server once for the API integration tests, on a fresh SQLite file.
export default async function setup(project: TestProject) {
  if (!fs.existsSync(".next/BUILD_ID"))
    throw new Error("No production build: run `npx next build` first (npm test does).");
  const server = await startServer({ port: testPort(10), dataDir: "data/test-api", fresh: true });
  project.provide("baseUrl", server.url);
  project.provide("databaseUrl", server.databaseUrl);
  project.provide("serverEnv", server.env);
  return () => server.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    serverEnv: Record<string, string>;
  }
}
