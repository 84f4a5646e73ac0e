import { describe, expect, it } from "vitest";
import { ACTIONS, can, isRole, PERMISSIONS, ROLES } from "@/lib/rbac/permissions";
import { allInScope, inScope, parseLabels } from "@/lib/rbac/scope";

describe("permission table", () => {
  it("gives owners every action", () => {
    for (const action of ACTIONS) expect(can("owner", action), action).toBe(true);
  });

  it("lets source admins manage sources, destinations and retries, but not members, settings, audit or setup", () => {
    for (const action of [
      "sources.write",
      "sources.writeKey.read",
      "destinations.write",
      "delivery.retry",
      "delivery.operate",
    ] as const)
      expect(can("source_admin", action), action).toBe(true);
    for (const action of ["members.write", "workspace.update", "audit.read", "setup.write"] as const)
      expect(can("source_admin", action), action).toBe(false);
  });

  it("lets read-only members read everything but secrets, and change nothing", () => {
    const allowed = [...PERMISSIONS.read_only];
    expect(allowed.every((a) => a.endsWith(".read"))).toBe(true);
    expect(can("read_only", "sources.writeKey.read")).toBe(false);
    for (const action of ACTIONS.filter((a) => !a.endsWith(".read")))
      expect(can("read_only", action), action).toBe(false);
    for (const action of [
      "sources.read",
      "destinations.read",
      "debugger.read",
      "delivery.read",
      "setup.read",
    ] as const)
      expect(can("read_only", action), action).toBe(true);
  });

  it("recognises only the three roles", () => {
    expect(ROLES).toEqual(["owner", "source_admin", "read_only"]);
    expect(isRole("owner")).toBe(true);
    expect(isRole("admin")).toBe(false);
    expect(can("admin" as never, "sources.read")).toBe(false);
  });
});

describe("environment-label scope", () => {
  it("treats a missing or empty scope as every label", () => {
    expect(parseLabels(null)).toBeNull();
    expect(parseLabels("[]")).toBeNull();
    expect(inScope(null, "prod")).toBe(true);
  });

  it("limits a scoped membership to its labels", () => {
    const dev = parseLabels('["dev"]');
    expect(dev).toEqual(["dev"]);
    expect(inScope(dev, "dev")).toBe(true);
    expect(inScope(dev, "prod")).toBe(false);
  });

  it("puts a destination in scope only when every connected source is", () => {
    const scope = parseLabels('["dev","staging"]');
    expect(allInScope(scope, ["dev", "staging"])).toBe(true);
    expect(allInScope(scope, ["dev", "prod"])).toBe(false);
    expect(allInScope(scope, [])).toBe(true);
  });
});
