import { z } from "zod";
import { containsMask, SECRET_MASK } from "./mask";
import type { FieldOption, FieldSpec } from "./types";

// Field builders: each setting is declared once and yields both its form spec and its zod schema,
// so the form and the validator cannot drift apart. Forms post "" for blank inputs, so optional
// fields treat "" and null as "not set".

export { SECRET_MASK };

export interface FieldDef {
  spec: FieldSpec;
  schema: z.ZodType;
}

interface Common {
  label: string;
  help?: string;
  placeholder?: string;
}

const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
const absent = (input: unknown) => input === undefined || input === null || input === "";
const notMask = (v: string) => v !== SECRET_MASK;
// The console's one wording (lib/validation/names.ts words names the same way): the field is named.
const requiredMessage = (label: string) => `${label} is required`;
const tooLongMessage = (label: string, max: number) =>
  `${label} must be at most ${max.toLocaleString("en-US")} characters`;

/** RFC 9110 token: the characters allowed in an HTTP header name. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Header names the HTTP client sets itself. */
const RESERVED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection"]);

function def(spec: FieldSpec, schema: z.ZodType): FieldDef {
  return { spec, schema };
}

function optionalIfNeeded<T extends z.ZodType>(required: boolean, schema: T) {
  return required ? schema : z.preprocess(blank, schema.optional());
}

interface TextOpts extends Common {
  required?: boolean;
  default?: string;
  pattern?: RegExp;
  patternMessage?: string;
  multiline?: boolean;
  maxLength?: number;
  /** Decides where connections go (a warehouse host; see FieldSpec.routing). */
  routing?: boolean;
}

export function text(key: string, o: TextOpts): FieldDef {
  let s = z
    .string({ error: (i) => (absent(i.input) ? requiredMessage(o.label) : "Must be text") })
    .trim()
    .max(o.maxLength ?? 500, tooLongMessage(o.label, o.maxLength ?? 500));
  if (o.required) s = s.min(1, requiredMessage(o.label));
  if (o.pattern) s = s.regex(o.pattern, o.patternMessage ?? "Invalid format");
  const schema =
    o.default !== undefined ? z.preprocess(blank, s.default(o.default)) : optionalIfNeeded(!!o.required, s);
  const { multiline, required, pattern, patternMessage, maxLength, ...rest } = o;
  return def(
    { key, kind: multiline ? "textarea" : "text", required: !!required, secret: false, ...rest },
    schema,
  );
}

interface UrlOpts extends Common {
  required?: boolean;
  default?: string;
  secret?: boolean;
  /** Decides where requests go (see FieldSpec.routing). */
  routing?: boolean;
}

const httpUrl = (label: string) =>
  z
    .url({
      protocol: /^https?$/,
      error: (i) => (absent(i.input) ? requiredMessage(label) : "Must be an http:// or https:// URL"),
    })
    // A masked URL posted back unchanged was restored by mergeSettingsUpdate; one still holding the
    // mask was edited, and its credentials are not carried over to an edited URL.
    .refine(
      (v) => !containsMask(v),
      `Re-enter the credentials in this URL (the parts shown as ${SECRET_MASK}): they are not kept when the URL changes`,
    );

/** An http(s) URL. Secret URLs (e.g. a Slack webhook) render as password inputs. */
export function url(key: string, o: UrlOpts): FieldDef {
  const s = httpUrl(o.label);
  const schema =
    o.default !== undefined ? z.preprocess(blank, s.default(o.default)) : optionalIfNeeded(!!o.required, s);
  const { required, secret, routing, ...rest } = o;
  return def(
    {
      key,
      kind: secret ? "password" : "url",
      required: !!required,
      secret: !!secret,
      ...(routing ? { routing } : {}),
      ...rest,
    },
    schema,
  );
}

/**
 * The API base URL every API destination exposes, so deliveries can be pointed at a local sink.
 * It decides where requests go, so it is always a routing field.
 */
export function baseUrl(o: { default?: string; required?: boolean; help?: string; placeholder?: string }) {
  return url("baseUrl", {
    label: "API base URL",
    routing: true,
    placeholder: o.placeholder ?? o.default,
    help: o.help ?? "Change only to use a proxy or a test server.",
    ...o,
  });
}

interface SecretOpts extends Common {
  required?: boolean;
  pattern?: RegExp;
  patternMessage?: string;
}

export function secret(key: string, o: SecretOpts): FieldDef {
  let s = z
    .string({ error: (i) => (absent(i.input) ? requiredMessage(o.label) : "Must be text") })
    .trim()
    .min(1, requiredMessage(o.label))
    .max(4096, tooLongMessage(o.label, 4096))
    .refine(notMask, "Enter the secret itself, not the masked placeholder");
  if (o.pattern) s = s.regex(o.pattern, o.patternMessage ?? "Invalid format");
  const { required, pattern, patternMessage, ...rest } = o;
  return def(
    { key, kind: "password", required: !!required, secret: true, ...rest },
    optionalIfNeeded(!!required, s),
  );
}

/** A choice. A region or instance select that picks the endpoint is a routing field. */
export function select(
  key: string,
  o: Common & { options: FieldOption[]; default: string; routing?: boolean },
): FieldDef {
  const values = o.options.map((opt) => opt.value) as [string, ...string[]];
  const schema = z.preprocess(
    blank,
    z.enum(values, { error: () => `Choose one of: ${values.join(", ")}` }).default(o.default),
  );
  const { routing, ...rest } = o;
  return def(
    { key, kind: "select", required: false, secret: false, ...(routing ? { routing } : {}), ...rest },
    schema,
  );
}

export function boolean(key: string, o: Common & { default: boolean }): FieldDef {
  const schema = z.preprocess(
    (v) => (v === "true" ? true : v === "false" ? false : blank(v)),
    z.boolean({ error: "Must be true or false" }).default(o.default),
  );
  return def({ key, kind: "boolean", required: false, secret: false, ...o }, schema);
}

export function number(
  key: string,
  o: Common & { min: number; max: number; default: number; routing?: boolean },
): FieldDef {
  const schema = z.preprocess(
    blank,
    z.coerce
      .number({ error: "Must be a number" })
      .int("Must be a whole number")
      .min(o.min, `Must be at least ${o.min}`)
      .max(o.max, `Must be at most ${o.max}`)
      .default(o.default),
  );
  return def({ key, kind: "number", required: false, secret: false, ...o }, schema);
}

const headerEntry = z.object({
  key: z
    .string({ error: "Header name is required" })
    .trim()
    .min(1, "Header name is required")
    .regex(HTTP_TOKEN, "Not a valid HTTP header name")
    .refine((k) => !RESERVED_HEADERS.has(k.toLowerCase()), "This header is set automatically"),
  value: z
    .string({ error: "Header value is required" })
    .max(8192, tooLongMessage("Header value", 8192))
    .regex(/^[\t\x20-\x7e\x80-\xff]*$/, "Header values must be single-line Latin-1 text")
    .refine(notMask, "Enter the header value"),
});

/** Key/value header list. As a secret, names stay visible and only the values are hidden. */
export function headers(key: string, o: Common & { secret?: boolean }): FieldDef {
  const schema = z
    .array(headerEntry, { error: "Must be a list of { key, value }" })
    .max(50, "At most 50 headers")
    .refine(
      (list) => new Set(list.map((h) => h.key.toLowerCase())).size === list.length,
      "Duplicate header name",
    )
    .default([]);
  const { secret: isSecret, ...rest } = o;
  return def({ key, kind: "headers", required: false, secret: !!isSecret, default: [], ...rest }, schema);
}

/** A list of strings; also accepts one string with one entry per line (or comma-separated). */
export function stringList(key: string, o: Common & { required?: boolean }): FieldDef {
  const split = (v: unknown) =>
    typeof v === "string"
      ? v
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : (blank(v) ?? []);
  let list = z
    .array(z.string().trim().min(1, "Empty entry").max(200, "Entries must be at most 200 characters"))
    .max(200, "At most 200 entries");
  if (o.required) list = list.min(1, "Add at least one entry");
  const { required, ...rest } = o;
  return def(
    { key, kind: "string-list", required: !!required, secret: false, ...rest },
    z.preprocess(split, list),
  );
}

/** Assembles a destination's zod object and form specs from its field definitions. */
export function buildSettings(defs: FieldDef[]): { settings: z.ZodObject; fields: FieldSpec[] } {
  const shape: Record<string, z.ZodType> = {};
  for (const d of defs) shape[d.spec.key] = d.schema;
  return { settings: z.object(shape), fields: defs.map((d) => d.spec) };
}
