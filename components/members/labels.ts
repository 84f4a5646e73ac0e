// Label-scope helpers shared by the invite form and the member editor.

/** "dev, qa , Prod" -> ["dev", "qa", "prod"]. */
export function parseLabelList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** The server reports bad labels at "labels" or "labels.<index>". */
export function labelsError(
  error: { fields: { path: string; message: string }[] } | null,
): string | undefined {
  return error?.fields.find((f) => f.path === "labels" || f.path.startsWith("labels."))?.message;
}
