import path from "node:path";

/** Resolves `file:./data/x.db` (relative to the working directory) to an absolute file path. */
export function sqliteFilePath(databaseUrl: string): string {
  const raw = databaseUrl.replace(/^file:/, "").split("?")[0]!;
  return path.resolve(process.cwd(), raw);
}
