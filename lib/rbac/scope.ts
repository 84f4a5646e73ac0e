// Environment-label scoping: a membership may be limited to some labels (a Source Admin for
// `dev` cannot touch `prod` sources). null means every label. Owners are never scoped.

export type LabelScope = readonly string[] | null;

export function parseLabels(stored: string | null | undefined): LabelScope {
  if (!stored) return null;
  const parsed = JSON.parse(stored) as unknown;
  return Array.isArray(parsed) && parsed.length > 0 ? parsed.map(String) : null;
}

export function inScope(scope: LabelScope, label: string): boolean {
  return scope === null || scope.includes(label);
}

/** A destination is in scope when every source it is connected to is. */
export function allInScope(scope: LabelScope, labels: readonly string[]): boolean {
  return labels.every((l) => inScope(scope, l));
}
