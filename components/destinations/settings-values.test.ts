import { describe, expect, it } from "vitest";
import { getDestinationType, SECRET_MASK, validateSettings } from "@/lib/catalog";
import {
  changedRoutingLabels,
  errorAt,
  initialValues,
  settingsPayload,
  storedSecretLabels,
} from "./settings-values";

const webhook = getDestinationType("webhook")!;
const slack = getDestinationType("slack")!;
const amplitude = getDestinationType("amplitude")!;

describe("settings form values", () => {
  it("starts a new destination from the catalog defaults", () => {
    expect(initialValues(webhook.fields)).toEqual({
      url: "",
      headers: [],
      signingSecret: "",
      batching: false,
      batchSize: "100",
      batchWindowSeconds: "10",
    });
    expect(initialValues(amplitude.fields)).toMatchObject({ region: "us", baseUrl: "", minIdLength: "5" });
    expect(initialValues(slack.fields)).toMatchObject({ events: "", template: "{{userId}} did {{event}}" });
  });

  it("shows an existing destination's masked settings, lists one per line", () => {
    const values = initialValues(slack.fields, {
      webhookUrl: SECRET_MASK,
      events: ["Order Completed", "Signed Up"],
    });
    expect(values).toMatchObject({
      webhookUrl: SECRET_MASK,
      events: "Order Completed\nSigned Up",
      template: "",
    });
  });

  it("posts what the catalog validates, dropping blank header rows", () => {
    const values = {
      ...initialValues(webhook.fields),
      url: "https://example.com/in",
      headers: [
        { key: "Authorization", value: "Bearer x" },
        { key: "", value: "" },
      ],
      batching: true,
      batchSize: "50",
    };
    const payload = settingsPayload(webhook.fields, values);
    expect(payload.headers).toEqual([{ key: "Authorization", value: "Bearer x" }]);
    const checked = validateSettings("webhook", payload);
    expect(checked).toMatchObject({ ok: true, settings: { batching: true, batchSize: 50 } });
    const list = validateSettings("slack", {
      ...settingsPayload(slack.fields, initialValues(slack.fields)),
      webhookUrl: "https://hooks.slack.com/services/T/B/x",
      events: "A\nB",
    });
    expect(list).toMatchObject({ ok: true, settings: { events: ["A", "B"] } });
  });

  it("finds errors at a path or below it", () => {
    const fields = [{ path: "settings.headers.0.key", message: "Bad name" }];
    expect(errorAt(fields, "settings.headers")).toBe("Bad name");
    expect(errorAt(fields, "settings.headers.0.key")).toBe("Bad name");
    expect(errorAt(fields, "settings.head")).toBeUndefined();
  });

  it("knows which stored secrets a changed URL or region asks for again", () => {
    const loaded = initialValues(webhook.fields, {
      url: `https://${SECRET_MASK}@hooks.example.com/in`,
      headers: [{ key: "Authorization", value: SECRET_MASK }],
      signingSecret: SECRET_MASK,
    });
    expect(storedSecretLabels(webhook.fields, loaded)).toEqual(["Webhook URL", "Headers", "Signing secret"]);
    expect(changedRoutingLabels(webhook.fields, loaded, { ...loaded, batchSize: "5" })).toEqual([]);
    expect(changedRoutingLabels(webhook.fields, loaded, { ...loaded, url: "https://evil.example/" })).toEqual(
      ["Webhook URL"],
    );
    const amp = initialValues(amplitude.fields, { apiKey: SECRET_MASK, region: "us" });
    expect(changedRoutingLabels(amplitude.fields, amp, { ...amp, region: "eu" })).toEqual(["Data center"]);
    expect(storedSecretLabels(amplitude.fields, initialValues(amplitude.fields))).toEqual([]);
  });
});
