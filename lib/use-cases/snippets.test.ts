import { describe, expect, it } from "vitest";
import { getUseCase } from "@/lib/catalog/use-cases";
import { TRACKING_PLAN_LIBRARIES, trackingPlanSnippet } from "@/lib/use-cases/snippets";

const winback = getUseCase("personalize-communications", "personalize-winback")!;
const app = getUseCase("optimize-advertising", "build-lookalikes-for-app-install")!;
const ctx = { publicUrl: "https://cdp.example.com" };

describe("tracking-plan snippets", () => {
  it("writes one analytics.js call per suggested event with every property", () => {
    const { code, language } = trackingPlanSnippet("website", winback.events, ctx);
    expect(language).toBe("typescript");
    expect(code).toContain(
      'analytics.track("Page Viewed", {\n  page_category: "Docs",\n  page_name: "Pricing",\n});',
    );
    for (const e of winback.events) {
      expect(code).toContain(`analytics.track(${JSON.stringify(e.event)}`);
      for (const p of e.properties) expect(code).toContain(`${p}:`);
    }
  });

  it("uses message objects with a userId for server libraries", () => {
    expect(trackingPlanSnippet("node", winback.events, ctx).code).toContain(
      'analytics.track({\n  userId: "user_123",\n  event: "Order Completed",\n  properties: {',
    );
    expect(trackingPlanSnippet("python", winback.events, ctx).code).toContain('event="Page Scrolled"');
    expect(trackingPlanSnippet("php", winback.events, ctx).code).toContain("'event' => 'Order Completed'");
    const curl = trackingPlanSnippet("http-api", winback.events, ctx).code;
    expect(curl).toContain("curl https://cdp.example.com/v1/track");
    const body = curl.split("-d '")[1]!.split("'\n")[0]!.replace(/'$/, "");
    expect(JSON.parse(body)).toMatchObject({ userId: "user_123", event: "Page Viewed" });
  });

  it("handles events without properties and every library", () => {
    for (const lib of TRACKING_PLAN_LIBRARIES) {
      const { code } = trackingPlanSnippet(lib.id, app.events, ctx);
      expect(code, lib.id).toContain("Install Attributed");
      expect(code, lib.id).toContain("no properties");
      expect(code, lib.id).not.toContain("undefined");
    }
    expect(trackingPlanSnippet("website", app.events, ctx).code).toContain(
      'analytics.track("Install Attributed");',
    );
  });
});
