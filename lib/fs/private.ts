import fs from "node:fs";
import path from "node:path";

// The data directory holds the database (events, encrypted credentials, password hashes) and
// secrets.json (the keys that decrypt them): only the user running Switchyard may read them.
// New files are created 0600 in a 0700 directory, and existing installs are tightened at start.

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Creates `dir` (0700) if missing; tightens an existing one to 0700. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodIfLooser(dir, DIR_MODE);
}

/** Makes `file` 0600 if it exists and is looser. */
export function privateFile(file: string): void {
  if (fs.existsSync(file)) chmodIfLooser(file, FILE_MODE);
}

/** Creates an empty `file` with 0600 when it does not exist yet, so no other mode is ever seen. */
export function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, "a", FILE_MODE));
  privateFile(file);
}

function chmodIfLooser(target: string, mode: number) {
  const current = fs.statSync(target).mode & 0o777;
  if ((current & ~mode) !== 0) fs.chmodSync(target, current & mode);
}

/** A SQLite database and its WAL and shared-memory files. */
export function privateSqliteFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) privateFile(f);
}

/** At start: DATA_DIR 0700, secrets.json and the SQLite files 0600 (also for installs made before). */
export function hardenDataDir(dataDir: string, sqliteFile: string | null): void {
  privateDir(dataDir);
  privateFile(path.join(dataDir, "secrets.json"));
  if (sqliteFile) privateSqliteFiles(sqliteFile);
}
