import { ZodError } from "zod";

// One error type for the whole console API, and one mapper to HTTP.

export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "unprocessable"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited";

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
};

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

/** 429 with a Retry-After header (seconds). */
export class RateLimited extends AppError {
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super("rate_limited", message);
  }
}

export const notFound = (what = "Not found") => new AppError("not_found", what);
export const forbidden = (why = "Your role does not allow this action") => new AppError("forbidden", why);
export const conflict = (message: string, field?: string) =>
  new AppError("conflict", message, field ? [{ path: field, message }] : undefined);

interface PrismaLikeError {
  code?: string;
  meta?: { target?: string[] | string; modelName?: string; driverAdapterError?: unknown };
}

function uniqueFields(e: PrismaLikeError): string[] {
  const target = e.meta?.target;
  if (Array.isArray(target)) return target;
  if (typeof target === "string") return target.split(/[_,]/);
  const cause = (e.meta?.driverAdapterError as { cause?: { constraint?: { fields?: string[] } } })?.cause;
  return cause?.constraint?.fields?.map((f) => f.replaceAll('"', "")) ?? [];
}

export interface ErrorBody {
  error: { code: ErrorCode | "internal"; message: string; fields?: FieldError[]; retryAfter?: number };
}

/** Maps anything thrown in a handler to a status and a JSON body. Never leaks internals. */
export function toErrorResponse(err: unknown): {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  if (err instanceof RateLimited) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, retryAfter: err.retryAfter } },
      headers: { "retry-after": String(err.retryAfter) },
    };
  }
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, fields: err.fields } },
    };
  }
  if (err instanceof ZodError) {
    const fields = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = fields[0];
    const message = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "Invalid input";
    return { status: 400, body: { error: { code: "bad_request", message, fields } } };
  }
  const prismaError = err as PrismaLikeError;
  if (prismaError?.code === "P2002") {
    const fields = uniqueFields(prismaError).filter((f) => f !== "workspaceId");
    const field = fields[0] ?? "name";
    const message = `A ${prismaError.meta?.modelName?.toLowerCase() ?? "record"} with this ${field} already exists`;
    return {
      status: 409,
      body: { error: { code: "conflict", message, fields: [{ path: field, message }] } },
    };
  }
  if (prismaError?.code === "P2025") {
    return { status: 404, body: { error: { code: "not_found", message: "Not found" } } };
  }
  console.error("[switchyard] unhandled error:", err);
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side" } } };
}
