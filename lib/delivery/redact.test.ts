import { afterEach, describe, expect, it } from "vitest";
import {
  REDACTED,
  redactHeaders,
  redactor,
  redactRequest,
  redactUrl,
  secretValues,
} from "@/lib/delivery/redact";
import { archive, insertDestination, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

let h: Harness | undefined;
let s: Sink | undefined;
afterEach(async () => {
  await h?.close();
  await s?.close();
});

describe("redaction", () => {
  it("knows each type's secret settings, header values included", () => {
    expect(
      secretValues("webhook", {
        url: "https://x",
        headers: [{ key: "Authorization", value: "Bearer abc123" }],
        signingSecret: "whsec_1",
      }),
    ).toEqual(["Bearer abc123", "whsec_1"]);
    expect(
      secretValues("slack", { webhookUrl: "https://hooks.slack.com/services/T/B/xyz", events: [] }),
    ).toEqual(["https://hooks.slack.com/services/T/B/xyz"]);
  });

  it("removes secrets from URLs, headers and bodies in every encoding", () => {
    const redact = redactor(['s3cr"et/+', "https://hooks.slack.com/services/T/B/xyz"]);
    expect(redactUrl("https://api.example.com/mp?api_secret=abc&measurement_id=G-1", redact)).toBe(
      `https://api.example.com/mp?api_secret=${REDACTED}&measurement_id=G-1`,
    );
    expect(redactUrl("https://hooks.slack.com/services/T/B/xyz", redact)).toBe(
      `https://hooks.slack.com/${REDACTED}`,
    );
    expect(redactUrl(`https://x.io/?q=${encodeURIComponent('s3cr"et/+')}`, redact)).toBe(
      `https://x.io/?q=${REDACTED}`,
    );
    expect(
      redactHeaders(
        { Authorization: "Basic Zm9v", "X-Algolia-API-Key": "k", "x-other": 's3cr"et/+' },
        redact,
      ),
    ).toEqual({
      Authorization: REDACTED,
      "X-Algolia-API-Key": REDACTED,
      "x-other": REDACTED,
    });
    const r = redactRequest(
      { method: "POST", url: "https://x.io/", headers: {}, body: JSON.stringify({ token: 's3cr"et/+' }) },
      redact,
    );
    expect(r.body).toBe(`{"token":"${REDACTED}"}`);
  });

  it("redacts URL userinfo, secret-looking query values and short secret header values", () => {
    const settings = {
      url: "https://hookuser:pa55w0rd@hooks.example.com/in?sig=s1gnature&access_token=tok-123&team=7",
      headers: [
        { key: "X-Tok", value: "abc" },
        { key: "X-Env", value: "prod" },
      ],
    };
    const values = secretValues("webhook", settings);
    expect(values).toEqual(["hookuser", "pa55w0rd", "s1gnature", "tok-123", "abc", "prod"]);
    const redact = redactor(values);
    expect(redactUrl(settings.url, redact)).toBe(
      `https://${REDACTED}:${REDACTED}@hooks.example.com/in?sig=${REDACTED}&access_token=${REDACTED}&team=7`,
    );
    // A 3-character secret is a whole header value: redacted there, left alone inside other text.
    expect(redactHeaders({ "X-Tok": "abc", "X-Env": "prod", "X-Other": "abcdef" }, redact)).toEqual({
      "X-Tok": REDACTED,
      "X-Env": REDACTED,
      "X-Other": "abcdef",
    });
    expect(redactUrl("https://x.example/?v=abc&w=abcd", redact)).toBe(
      `https://x.example/?v=${REDACTED}&w=abcd`,
    );
  });

  it("keeps every secret out of stored failure samples", async () => {
    h = harness();
    // A partner that echoes the whole request back in its error answer.
    s = await startSink((req) => ({
      kind: "status",
      status: 400,
      body: JSON.stringify({ url: req.url, auth: req.headers.authorization ?? null, body: req.body }),
    }));
    const secrets = ["amp-secret-key-123", "ga-secret-xyz", "Bearer hook-token-1", "mp-token-abc"];
    const add = (type: string, settings: Record<string, unknown>) =>
      insertDestination(h!.db, { workspaceId: h!.workspaceId, sourceIds: [h!.sourceId], type, settings });
    add("amplitude", { apiKey: secrets[0], baseUrl: s.url });
    add("google-analytics-4", { measurementId: "G-ABCDEF1", apiSecret: secrets[1], baseUrl: s.url });
    h.webhook(s.url, { headers: [{ key: "Authorization", value: secrets[2] }] });
    add("mixpanel", { projectToken: secrets[3], baseUrl: s.url });
    // Credentials in the URL itself, and a secret header value too short for substring redaction.
    h.webhook(`${s.url.replace("//", "//hook:url-pa55w0rd@")}/in?token=url-t0k3n&team=7`, {
      headers: [{ key: "X-Tok", value: "k9z" }],
    });
    archive(h.db, h, [track("Signed Up")]);
    h.start();
    const rows = await until(() => {
      const r = h!.db.prepare(`SELECT * FROM "DeliverySample"`).all() as Record<string, unknown>[];
      return r.length === 5 ? r : null;
    });
    const stored = JSON.stringify(rows);
    for (const secret of [...secrets, "url-pa55w0rd", "url-t0k3n"]) expect(stored).not.toContain(secret);
    expect(stored).toMatch(/x-tok\\":\\"\[REDACTED\]/i);
    expect(stored).not.toMatch(/x-tok\\":\\"k9z/i);
    expect(stored).not.toContain(Buffer.from("hook:url-pa55w0rd").toString("base64"));
    expect(stored).not.toContain(Buffer.from(`${secrets[3]}:`).toString("base64"));
    expect(stored).toContain(REDACTED);
    // ...while the sink did receive them.
    expect(s.requests.some((r) => r.body.includes(secrets[0]!))).toBe(true);
  });
});
