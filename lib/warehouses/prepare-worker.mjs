// The entry of a warehouse sync's preparing thread (lib/warehouses/batches.ts starts it). The work
// is TypeScript (prepare-thread.ts). Loaded through tsx, a thread spent ~0.45 s of CPU before its
// first batch (tsx's loader thread, then a resolve and a load round trip per module), and every
// sync that finds no idle thread starts two. So prepare-thread.ts and what it imports are bundled
// into one plain file with esbuild (the compiler tsx itself runs), kept under node_modules/.cache
// with the sizes and times of the files it was built from: a thread loads it as it is while they
// are unchanged, and bundles again (~50 ms) when one changed. Where that cannot be done (a
// read-only install, say) the thread loads the TypeScript through tsx as before.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parentPort, threadId } from "node:worker_threads";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const tsconfig = path.join(root, "tsconfig.json");
const CACHE = path.join(root, "node_modules", ".cache", "switchyard");
const PREFIX = "prepare-thread-";
/** The bundle in use and what it was built from: { bundle, inputs: { file: [size, mtimeMs] } }. */
const STAMP = path.join(CACHE, "prepare-thread.json");

/** The bundle built from the files as they are now, if there is one. */
function current() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, "utf8"));
    for (const [file, [size, mtime]] of Object.entries(stamp.inputs)) {
      const st = fs.statSync(path.join(root, file));
      if (st.size !== size || st.mtimeMs !== mtime) return null;
    }
    const file = path.join(CACHE, stamp.bundle);
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** Written whole, then renamed: another thread or process never reads half a file. */
function writeWhole(file, data) {
  const part = `${file}.${process.pid}-${threadId}.tmp`;
  fs.writeFileSync(part, data);
  fs.renameSync(part, file);
}

/** Bundles the thread's code (packages stay imports, resolved from the repository). */
async function bundle() {
  const esbuild = await import("esbuild");
  let out;
  try {
    out = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [path.join(here, "prepare-thread.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      tsconfig,
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  } finally {
    // esbuild's service is a process of its own: not kept for a thread that may idle for minutes.
    await esbuild.stop();
  }
  const code = out.outputFiles[0].contents;
  const name = `${PREFIX}${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`;
  const file = path.join(CACHE, name);
  fs.mkdirSync(CACHE, { recursive: true });
  if (!fs.existsSync(file)) writeWhole(file, code);
  const inputs = {};
  for (const input of Object.keys(out.metafile.inputs)) {
    const st = fs.statSync(path.join(root, input));
    inputs[input] = [st.size, st.mtimeMs];
  }
  writeWhole(STAMP, JSON.stringify({ bundle: name, inputs }));
  // Bundles of earlier code are not needed again (a thread that loaded one keeps it in memory).
  for (const old of fs.readdirSync(CACHE))
    if (old.startsWith(PREFIX) && old.endsWith(".mjs") && old !== name)
      fs.rmSync(path.join(CACHE, old), { force: true });
  return file;
}

async function bundled() {
  const file = current() ?? (await bundle());
  return import(pathToFileURL(file).href);
}

async function throughTsx() {
  const { register } = await import("tsx/esm/api");
  register({ tsconfig });
  return import("./prepare-thread.ts");
}

const { runPreparer } = await bundled().catch((err) => {
  console.warn(
    `[switchyard] warehouse sync: could not bundle the preparing thread's code (${err?.message ?? err}); loading it through tsx`,
  );
  return throughTsx();
});
runPreparer(parentPort);
