import { anonymousId, isObject, json, setting, str, userId } from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { filteredBySettings, request } from "@/lib/delivery/types";

// Slack incoming webhook: POST {webhookUrl} { text } for the track events listed in the
// settings (others are recorded as filtered, not failed). The template's placeholders are
// {{event}}, {{userId}} (falls back to the anonymousId), {{anonymousId}} and
// {{properties.<path>}}; inserted values are escaped for Slack mrkdwn (&, <, >) so message data
// cannot inject links or mentions. Slack answers 200 "ok", or 4xx with a reason in the body.

const escapeMrkdwn = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function lookup(m: Message, path: string): unknown {
  if (path === "userId") return userId(m) ?? anonymousId(m);
  let value: unknown = m;
  for (const key of path.split(".")) value = isObject(value) ? value[key] : undefined;
  return value;
}

export function renderTemplate(template: string, m: Message): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g, (_all, path: string) => {
    const value = lookup(m, path);
    if (value === undefined || value === null) return "";
    return escapeMrkdwn(typeof value === "object" ? JSON.stringify(value) : String(value));
  });
}

export const slackMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const events = Array.isArray(settings.events) ? (settings.events as unknown[]).map(String) : [];
    const event = str(m.event) ?? "";
    if (!events.includes(event))
      return filteredBySettings(`"${event}" is not in this Slack destination's event list`);
    const template = setting(settings, "template") || "{{userId}} did {{event}}";
    return request({
      method: "POST",
      url: setting(settings, "webhookUrl"),
      headers: { "content-type": "application/json" },
      body: json({ text: renderTemplate(template, m) }),
    });
  },
};
