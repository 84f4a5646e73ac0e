// Browser-side fetch for the console API: JSON in, JSON out, errors as ApiError with field paths.

export interface ApiFieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: ApiFieldError[] = [],
  ) {
    super(message);
  }
  /** The message for one form field, if the server named it. */
  field(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

export async function api<T>(url: string, init?: { method?: string; body?: unknown }): Promise<T> {
  let res: Response;
  try {
    const method = init?.method ?? "GET";
    // Mutations always go as JSON: the server refuses other bodies (lib/api/csrf.ts).
    const body = init?.body ?? (method === "POST" || method === "PUT" || method === "PATCH" ? {} : undefined);
    res = await fetch(url, {
      method,
      headers: body !== undefined ? { "content-type": "application/json" } : undefined,
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError("Could not reach the server. Check your connection and try again.", 0);
  }
  const data = (await res.json().catch(() => null)) as
    | (T & { error?: { message: string; fields?: ApiFieldError[] } })
    | null;
  if (!res.ok) {
    throw new ApiError(
      data?.error?.message ?? `Request failed (${res.status})`,
      res.status,
      data?.error?.fields,
    );
  }
  return data as T;
}
