// The entry of a warehouse sync's preparing thread (lib/warehouses/batches.ts starts it). The
// server runs TypeScript through tsx; a thread starts without it, so it registers tsx here and
// then loads the TypeScript module that does the work.
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

// The repository's tsconfig (for the "@/" paths), whatever the working directory.
register({ tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
const { runPreparer } = await import("./prepare-thread.ts");
runPreparer(parentPort);
