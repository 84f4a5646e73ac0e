import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { nextMembership, resolveScope, storeLabels } from "@/lib/members/rules";
import { memberUpdate } from "@/lib/members/schema";

describe("member rules", () => {
  it("never scopes owners and reports labels asked for on one", () => {
    expect(resolveScope("owner", undefined, ["dev"])).toBeNull();
    expect(resolveScope("owner", null)).toBeNull();
    const err = (() => {
      try {
        resolveScope("owner", ["dev"]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).fields?.[0]?.path).toBe("labels");
  });

  it("keeps the current scope when labels are left out, and replaces it when given", () => {
    const admin = { role: "source_admin" as const, labels: ["dev"] };
    expect(nextMembership(admin, { role: "read_only" })).toEqual({ role: "read_only", labels: ["dev"] });
    expect(nextMembership(admin, { labels: ["prod"] })).toEqual({ role: "source_admin", labels: ["prod"] });
    expect(nextMembership(admin, { labels: null })).toEqual({ role: "source_admin", labels: null });
    expect(nextMembership(admin, { role: "owner" })).toEqual({ role: "owner", labels: null });
  });

  it("gives a demoted owner every label unless a scope is given", () => {
    const owner = { role: "owner" as const, labels: null };
    expect(nextMembership(owner, { role: "source_admin" })).toEqual({ role: "source_admin", labels: null });
    expect(nextMembership(owner, { role: "read_only", labels: ["dev"] })).toEqual({
      role: "read_only",
      labels: ["dev"],
    });
  });

  it("stores an empty scope as null", () => {
    expect(storeLabels(null)).toBeNull();
    expect(storeLabels([])).toBeNull();
    expect(storeLabels(["dev", "prod"])).toBe('["dev","prod"]');
  });
});

describe("memberUpdate schema", () => {
  it("normalizes labels: lowercased, deduplicated, sorted; empty means every label", () => {
    expect(memberUpdate.parse({ labels: ["Prod", "dev", "prod"] })).toEqual({ labels: ["dev", "prod"] });
    expect(memberUpdate.parse({ labels: [] })).toEqual({ labels: null });
  });

  it("rejects unknown roles, bad labels and unknown keys with paths", () => {
    const res = memberUpdate.safeParse({ role: "admin", labels: ["not a label"] });
    expect(res.success).toBe(false);
    expect(res.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["labels.0", "role"]);
    expect(memberUpdate.safeParse({ userId: "x" }).success).toBe(false);
  });
});
