import { createRequire } from "node:module";
import path from "node:path";
import type { Worker as WorkerType } from "node:worker_threads";

// Threads that run a plain script from the repository (a function's sandbox, a warehouse sync's
// preparing thread). Next's bundler rewrites `new Worker(path)` into a reference to a bundled
// chunk, but these scripts must run as they are (they load files beside them), so the constructor
// is fetched at run time where the bundler does not look.

/** The repository the server runs from (tests and benches may point elsewhere). */
export const repoRoot = () => process.env.SWITCHYARD_ROOT ?? process.cwd();

/** A file of the repository, from its path parts. */
export const repoPath = (...parts: string[]) => path.join(repoRoot(), ...parts);

let WorkerClass: typeof WorkerType | null = null;

/** node:worker_threads' Worker, out of the bundler's sight. */
export function NodeWorker(): typeof WorkerType {
  WorkerClass ??= (
    createRequire(repoPath("package.json"))("node:worker_threads") as { Worker: typeof WorkerType }
  ).Worker;
  return WorkerClass;
}
