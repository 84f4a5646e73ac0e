import {
  anonymousId,
  context,
  eventTimeIso,
  joinUrl,
  json,
  jsonHeaders,
  messageId,
  properties,
  setting,
  str,
  traits,
  userId,
  uuidFor,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// PostHog capture API: POST {baseUrl}/batch/ { api_key, batch: [{ event, distinct_id,
// properties, timestamp, uuid }] }. uuid is the messageId (or a UUID derived from it), which
// PostHog uses to deduplicate.
//   track    -> event, properties; anonymous senders get $process_person_profile: false
//   page     -> $pageview with $current_url / $pathname / $referrer
//   screen   -> $screen with $screen_name
//   identify -> $identify with $set = traits and $anon_distinct_id = anonymousId
//   group    -> $groupidentify with $group_type, $group_key = groupId, $group_set = traits
//   alias    -> $create_alias { alias: previousId } for distinct_id = userId

function eventFor(m: Message): [string, Record<string, unknown>] | string {
  const props = properties(m);
  const t = traits(m);
  switch (m.type) {
    case "track":
      return [str(m.event) ?? "", { ...props }];
    case "page":
      return [
        "$pageview",
        {
          ...props,
          $current_url: props.url,
          $pathname: props.path,
          $referrer: props.referrer,
          title: props.title,
          name: m.name,
        },
      ];
    case "screen":
      return ["$screen", { ...props, $screen_name: str(m.name) ?? str(props.name) }];
    case "identify":
      return ["$identify", { $set: t, $anon_distinct_id: anonymousId(m) }];
    case "group": {
      const groupId = str(m.groupId);
      if (!groupId) return "PostHog groups need a groupId";
      return [
        "$groupidentify",
        { $group_type: str(t.group_type) ?? "company", $group_key: groupId, $group_set: t },
      ];
    }
    case "alias": {
      const previous = str(m.previousId);
      if (!previous) return "PostHog aliases need a previousId";
      return ["$create_alias", { alias: previous }];
    }
    default:
      return `Unknown call type ${String(m.type)}`;
  }
}

export const posthogMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const user = userId(m);
    const distinctId = user ?? anonymousId(m) ?? (m.type === "group" ? str(m.groupId) : undefined);
    if (!distinctId) return invalid("PostHog needs a userId or anonymousId");
    const mapped = eventFor(m);
    if (typeof mapped === "string") return invalid(mapped);
    const [event, props] = mapped;
    const ip = str(context(m).ip);
    const item = {
      event,
      distinct_id: distinctId,
      properties: {
        ...JSON.parse(JSON.stringify(props)),
        ...(ip ? { $ip: ip } : {}),
        ...(user || m.type === "group" ? {} : { $process_person_profile: false }),
        $lib: "switchyard",
      },
      timestamp: eventTimeIso(m),
      uuid: uuidFor(messageId(m)),
    };
    return request({
      method: "POST",
      url: joinUrl(setting(settings, "baseUrl") || "https://us.i.posthog.com", "/batch/"),
      headers: jsonHeaders(),
      body: json({ api_key: setting(settings, "apiKey"), batch: [item] }),
    });
  },
};
