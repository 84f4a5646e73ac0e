import type { ApiFieldError } from "@/lib/api/client";
import { describeFqlError, parseFql } from "@/lib/filters/fql";
import { filterConfigFor } from "@/lib/filters/schema";
import { nameProblem } from "@/lib/validation/names";

// Labels and form conversions for filter actions. Pure, so it is unit-tested.

export const FILTER_ACTIONS = [
  { value: "drop", label: "Drop event" },
  { value: "sample", label: "Sample a percentage" },
  { value: "allow_fields", label: "Keep only listed fields" },
  { value: "drop_fields", label: "Drop listed fields" },
] as const;
export type FilterActionValue = (typeof FILTER_ACTIONS)[number]["value"];

const fieldsOf = (config: Record<string, unknown>) =>
  Array.isArray(config.fields) ? config.fields.map(String) : [];

/** One line saying what a filter does to the events its condition matches. */
export function describeAction(action: string, config: Record<string, unknown>): string {
  switch (action) {
    case "drop":
      return "Drops matching events";
    case "sample": {
      const percent = typeof config.percent === "number" ? config.percent : "?";
      return typeof config.path === "string" && config.path
        ? `Keeps ${percent}% of matching events, all or none per ${config.path}`
        : `Keeps ${percent}% of matching events`;
    }
    case "allow_fields":
      return `Keeps only ${fieldsOf(config).join(", ") || "(no fields)"} in the objects they name`;
    case "drop_fields":
      return `Removes ${fieldsOf(config).join(", ") || "(no fields)"}`;
    default:
      return `Unknown action "${action}": matching events are not delivered`;
  }
}

/** The config the API expects for an action, from the form's text inputs. */
export function configFor(
  action: string,
  percent: string,
  fields: string,
  samplePath = "",
): Record<string, unknown> {
  if (action === "sample") {
    const config: Record<string, unknown> = { percent: percent.trim() === "" ? Number.NaN : Number(percent) };
    if (samplePath.trim()) config.path = samplePath.trim();
    return config;
  }
  if (action === "allow_fields" || action === "drop_fields")
    return {
      fields: fields
        .split(/[\n,]/)
        .map((f) => f.trim())
        .filter(Boolean),
    };
  return {};
}

export interface ConditionProblem {
  /** With its location, worded exactly as the API words it. */
  message: string;
  line: number;
  /** Absent when there is nothing to point at (an empty condition). */
  column?: number;
  length: number;
  /** The text of the line the problem is on, for the caret display. */
  lineText: string;
}

export const EMPTY_CONDITION = "Enter a condition";

/** Parses a condition as the server will; null when it is valid. An empty one asks for a condition. */
export function checkCondition(src: string): ConditionProblem | null {
  if (!src.trim()) return { message: EMPTY_CONDITION, line: 1, length: 0, lineText: "" };
  const parsed = parseFql(src);
  if (parsed.ok) return null;
  const { error } = parsed;
  return {
    message: describeFqlError(error),
    line: error.line,
    column: error.column,
    length: error.length,
    lineText: src.split("\n")[error.line - 1] ?? "",
  };
}

/** "   ^~~~" under the offending characters (a lone ^ when the problem is the end of the input). */
export function caretLine(column: number, length: number): string {
  return `${" ".repeat(Math.max(0, column - 1))}^${"~".repeat(Math.max(0, length - 1))}`;
}

/** What the filter form holds, as text. */
export interface FilterFormValues {
  name: string;
  condition: string;
  action: FilterActionValue;
  percent: string;
  samplePath: string;
  fields: string;
}

/** Every problem of the form at once, each under its own field. */
export interface FilterFormErrors {
  name?: string;
  condition?: ConditionProblem;
  action?: string;
  percent?: string;
  samplePath?: string;
  /** For the field list: one message per wrong line, "Line 3: …". */
  fields?: string[];
}

export const hasErrors = (e: FilterFormErrors) => Object.values(e).some((v) => v !== undefined);

/** The textarea line (1-based) of each entry configFor makes of the field list. */
function entryLines(fields: string): number[] {
  const lines: number[] = [];
  fields.split("\n").forEach((line, i) => {
    for (const entry of line.split(",")) if (entry.trim()) lines.push(i + 1);
  });
  return lines;
}

/** Maps error paths (the API's or the config schema's) to the form's fields. */
function place(
  errors: FilterFormErrors,
  values: FilterFormValues,
  path: string,
  message: string,
): FilterFormErrors {
  const fieldIndex = /^config\.fields\.(\d+)$/.exec(path);
  if (path === "name") errors.name ??= message;
  else if (path === "action") errors.action ??= message;
  else if (path === "config.path") errors.samplePath ??= message;
  else if (fieldIndex) {
    const line = entryLines(values.fields)[Number(fieldIndex[1])];
    errors.fields = [...(errors.fields ?? []), line ? `Line ${line}: ${message}` : message];
  } else if (path.startsWith("config")) {
    if (values.action === "sample") errors.percent ??= message;
    else errors.fields = [...(errors.fields ?? []), message];
  }
  return errors;
}

/** Checks the whole form as the API will, so the user sees every problem with one submit. */
export function validateFilterForm(values: FilterFormValues): FilterFormErrors {
  const errors: FilterFormErrors = {};
  const name = nameProblem("filter", values.name);
  if (name) errors.name = name;
  const condition = checkCondition(values.condition);
  if (condition) errors.condition = condition;
  const config = configFor(values.action, values.percent, values.fields, values.samplePath);
  const checked = filterConfigFor[values.action].safeParse(config);
  if (!checked.success)
    for (const issue of checked.error.issues)
      place(errors, values, ["config", ...issue.path].join("."), issue.message);
  return errors;
}

/** The API's field errors placed like validateFilterForm's (the condition keeps its own display). */
export function serverFilterErrors(fields: ApiFieldError[], values: FilterFormValues): FilterFormErrors {
  const errors: FilterFormErrors = {};
  for (const f of fields) if (f.path !== "condition") place(errors, values, f.path, f.message);
  return errors;
}
