import { describeFqlError, parseFql } from "@/lib/filters/fql";

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
  column: number;
  length: number;
  /** The text of the line the problem is on, for the caret display. */
  lineText: string;
}

/** Parses a condition as the server will; null when it is valid. */
export function checkCondition(src: string): ConditionProblem | null {
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
