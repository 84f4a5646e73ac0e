// `npm start`: build the console when the build is missing or older than the sources, then serve.
// Migrations and the demo seed run inside the server at boot (scripts/server.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const buildId = path.join(root, ".next", "BUILD_ID");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (["prisma", "prisma-pg"].some((d) => !fs.existsSync(path.join(root, "lib", "generated", d))))
  run("npm", ["run", "db:generate"]);
const sources = ["app", "components", "lib", "next.config.ts", "package.json"].map((p) => path.join(root, p));
const stale =
  !fs.existsSync(buildId) ||
  sources.some(
    (p) =>
      fs.existsSync(p) &&
      (fs.statSync(p).isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs) > fs.statSync(buildId).mtimeMs,
  );
if (stale) {
  console.log("[switchyard] building the console (first start or sources changed)...");
  run("npx", ["next", "build"]);
}
run("npx", ["tsx", "scripts/server.ts"]);
