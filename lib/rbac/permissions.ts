// Permissions are data: one table from role to the actions it may take. Every console route
// names the action it needs; lib/api/with-workspace.ts checks it on the server.

export const ROLES = ["owner", "source_admin", "read_only"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Workspace Owner",
  source_admin: "Source Admin",
  read_only: "Read-only Member",
};

export const ACTIONS = [
  "workspace.read",
  "workspace.update",
  "members.read",
  "members.write",
  "audit.read",
  "sources.read",
  "sources.write",
  "sources.writeKey.read",
  "destinations.read",
  "destinations.write",
  "debugger.read",
  "delivery.read",
  "delivery.retry",
  /** Pause, resume, discard and replay a destination's delivery. */
  "delivery.operate",
  "setup.read",
  "setup.write",
  "functions.read",
  "functions.write",
  "privacy.read",
  "privacy.write",
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: Action[] = [
  "workspace.read",
  "members.read",
  "sources.read",
  "destinations.read",
  "debugger.read",
  "delivery.read",
  "setup.read",
  "functions.read",
  "privacy.read",
];

export const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  owner: new Set(ACTIONS),
  source_admin: new Set<Action>([
    ...READ,
    "sources.write",
    "sources.writeKey.read",
    "destinations.write",
    "delivery.retry",
    "delivery.operate",
    "functions.write",
  ]),
  read_only: new Set<Action>(READ),
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role]?.has(action) ?? false;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
