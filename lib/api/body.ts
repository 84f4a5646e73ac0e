import type { z } from "zod";
import { AppError } from "@/lib/errors";

const DEFAULT_LIMIT = 256 * 1024;

/** Reads a JSON body with a size limit and validates it; 413 when too big, 400 saying where JSON broke. */
export async function readJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  limit = DEFAULT_LIMIT,
): Promise<z.output<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw new AppError("payload_too_large", `Request body is over ${limit} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > limit)
    throw new AppError("payload_too_large", `Request body is over ${limit} bytes`);
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : {};
  } catch (e) {
    throw new AppError("bad_request", `Invalid JSON: ${(e as Error).message}`);
  }
  return schema.parse(value);
}
