import {
  anonymousId,
  basicAuth,
  compact,
  context,
  eventName,
  eventTimeMs,
  joinUrl,
  json,
  jsonHeaders,
  messageId,
  parseBody,
  properties,
  safeId,
  setting,
  str,
  traits,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// Mixpanel Ingestion API.
//   track/page/screen -> POST /import?strict=1, Basic auth with the project token as user name,
//                        [{ event, properties: { time (ms), distinct_id, $insert_id, $device_id,
//                        $user_id, ip, ... } }]; $insert_id (from messageId) dedupes repeats.
//   identify          -> POST /engage?verbose=1 [{ $token, $distinct_id, $set }] with Segment's
//                        reserved traits renamed ($email, $name, $first_name, ...)
//   group             -> POST /groups?verbose=1 [{ $token, $group_key, $group_id, $set }]
// /engage and /groups answer 200 even for invalid data; verbose=1 puts { status: 0, error } in
// the body, which classify() turns into a failure.

const RESERVED: Record<string, string> = {
  email: "$email",
  name: "$name",
  firstName: "$first_name",
  first_name: "$first_name",
  lastName: "$last_name",
  last_name: "$last_name",
  phone: "$phone",
  avatar: "$avatar",
  createdAt: "$created",
  created_at: "$created",
};

const INSERT_ID = /^[A-Za-z0-9-]{1,36}$/;

function base(settings: Settings) {
  return setting(settings, "baseUrl") || "https://api.mixpanel.com";
}

function renameReserved(t: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [RESERVED[k] ?? k, v]));
}

export const mixpanelMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const token = setting(settings, "projectToken");
    const user = userId(m);
    const anon = anonymousId(m);
    const ip = str(context(m).ip);
    if (m.type === "identify") {
      if (!user && !anon) return invalid("Mixpanel profiles need a userId or anonymousId");
      const update = compact({
        $token: token,
        $distinct_id: user ?? anon,
        $set: renameReserved(traits(m)),
        $ip: ip,
      });
      return request({
        method: "POST",
        url: joinUrl(base(settings), "/engage?verbose=1"),
        headers: jsonHeaders(),
        body: json([update]),
      });
    }
    if (m.type === "group") {
      const groupId = str(m.groupId);
      if (!groupId) return invalid("Mixpanel group profiles need a groupId");
      const t = traits(m);
      const update = {
        $token: token,
        $group_key: str(t.group_type) ?? "company",
        $group_id: groupId,
        $set: renameReserved(t),
      };
      return request({
        method: "POST",
        url: joinUrl(base(settings), "/groups?verbose=1"),
        headers: jsonHeaders(),
        body: json([update]),
      });
    }
    if (!user && !anon) return invalid("Mixpanel events need a userId or anonymousId");
    const props = properties(m);
    const event = {
      event: eventName(m),
      properties: compact({
        ...props,
        ...(m.type !== "track" && str(props.url) ? { $current_url: props.url } : {}),
        time: eventTimeMs(m),
        distinct_id: user ?? anon,
        $device_id: anon,
        $user_id: user,
        $insert_id: safeId(messageId(m), INSERT_ID),
        ip,
        mp_lib: "switchyard",
      }),
    };
    return request({
      method: "POST",
      url: joinUrl(base(settings), "/import?strict=1"),
      headers: jsonHeaders({ authorization: basicAuth(token, "") }),
      body: json([event]),
    });
  },
  classify(response) {
    if (response.status < 200 || response.status >= 300) return undefined;
    const body = parseBody(response.body) as { status?: unknown; error?: unknown } | undefined;
    if (body?.status === 0 || response.body.trim() === "0")
      return {
        ok: false,
        retry: false,
        errorType: "partner_error",
        message: `Mixpanel rejected the update: ${typeof body?.error === "string" ? body.error : response.body.slice(0, 300)}`,
      };
    return undefined;
  },
};
