import {
  compact,
  eventTimeSeconds,
  joinUrl,
  json,
  jsonHeaders,
  num,
  parseBody,
  properties,
  setting,
  str,
  traits,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, MapResult, Message, OutboundRequest, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// Intercom REST API (Intercom-Version 2.11, Bearer access token). Intercom has no upsert by
// external_id, so identify and group are short flows, each step built from the previous answer:
//   track    -> POST /events { event_name, created_at (s), user_id, metadata (<= 10 flat keys) }
//   identify -> POST /contacts/search (external_id = userId), then PUT /contacts/{id} when found,
//               else POST /contacts { role: "user", external_id, email, name, ... }
//   group    -> POST /companies { company_id = groupId, name, plan, ... } (creates or updates),
//               then, with a userId, search the contact and POST /contacts/{id}/companies { id }
// Custom attributes must exist in Intercom (Settings -> Data) or Intercom answers 400.

const VERSION = "2.11";
const CONTACT_FIELDS = new Set([
  "email",
  "phone",
  "name",
  "firstName",
  "lastName",
  "avatar",
  "createdAt",
  "created_at",
]);
const COMPANY_FIELDS = new Set([
  "name",
  "plan",
  "monthly_spend",
  "size",
  "website",
  "industry",
  "createdAt",
  "created_at",
  "employees",
]);

function call(
  settings: Settings,
  method: OutboundRequest["method"],
  path: string,
  body: unknown,
): OutboundRequest {
  return {
    method,
    url: joinUrl(setting(settings, "baseUrl") || "https://api.intercom.io", path),
    headers: jsonHeaders({
      authorization: `Bearer ${setting(settings, "accessToken")}`,
      "intercom-version": VERSION,
    }),
    body: json(body),
  };
}

function primitives(o: Record<string, unknown>, skip: Set<string>, limit = 100): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (Object.keys(out).length >= limit) break;
    if (
      !skip.has(k) &&
      (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)))
    )
      out[k] = v;
  }
  return out;
}

const seconds = (v: unknown) => {
  const t = typeof v === "string" ? Date.parse(v) : (num(v) ?? Number.NaN);
  return Number.isFinite(t) ? Math.floor(t > 1e11 ? t / 1000 : t) : undefined;
};

export function contactBody(m: Message, user: string) {
  const t = traits(m);
  const name = str(t.name) ?? ([str(t.firstName), str(t.lastName)].filter(Boolean).join(" ") || undefined);
  const custom = primitives(t, CONTACT_FIELDS);
  return compact({
    role: "user",
    external_id: user,
    email: str(t.email),
    phone: str(t.phone),
    name,
    avatar: str(t.avatar),
    signed_up_at: seconds(t.createdAt ?? t.created_at),
    custom_attributes: Object.keys(custom).length ? custom : undefined,
  });
}

const searchContact = (settings: Settings, user: string) =>
  call(settings, "POST", "/contacts/search", { query: { field: "external_id", operator: "=", value: user } });

/** The Intercom id of the first contact in a search answer. */
export function foundContactId(body: string): string | undefined {
  const data = (parseBody(body) as { data?: { id?: unknown }[] } | undefined)?.data;
  return Array.isArray(data) ? str(data[0]?.id) : undefined;
}

function identify(m: Message, settings: Settings, user: string): MapResult {
  const body = contactBody(m, user);
  return request(searchContact(settings, user), (res) => {
    const id = foundContactId(res.body);
    return request(
      id
        ? call(settings, "PUT", `/contacts/${encodeURIComponent(id)}`, body)
        : call(settings, "POST", "/contacts", body),
    );
  });
}

function group(m: Message, settings: Settings, groupId: string): MapResult {
  const t = traits(m);
  const custom = primitives(t, COMPANY_FIELDS);
  const company = compact({
    company_id: groupId,
    name: str(t.name),
    plan: str(t.plan),
    monthly_spend: num(t.monthly_spend),
    size: num(t.size) ?? num(t.employees),
    website: str(t.website),
    industry: str(t.industry),
    remote_created_at: seconds(t.createdAt ?? t.created_at),
    custom_attributes: Object.keys(custom).length ? custom : undefined,
  });
  const user = userId(m);
  return request(call(settings, "POST", "/companies", company), (res) => {
    const companyId = str((parseBody(res.body) as { id?: unknown } | undefined)?.id);
    if (!user || !companyId) return null;
    return request(searchContact(settings, user), (found) => {
      const contactId = foundContactId(found.body);
      return contactId
        ? request(
            call(settings, "POST", `/contacts/${encodeURIComponent(contactId)}/companies`, { id: companyId }),
          )
        : null;
    });
  });
}

export const intercomMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const user = userId(m);
    if (m.type === "identify")
      return user ? identify(m, settings, user) : invalid("Intercom contacts need a userId");
    if (m.type === "group") {
      const groupId = str(m.groupId);
      return groupId ? group(m, settings, groupId) : invalid("Intercom companies need a groupId");
    }
    const email = str(traits(m).email);
    if (!user && !email) return invalid("Intercom events need a userId or an email in context.traits");
    const metadata = primitives(properties(m), new Set(), 10);
    return request(
      call(
        settings,
        "POST",
        "/events",
        compact({
          event_name: str(m.event) ?? "",
          created_at: eventTimeSeconds(m),
          user_id: user,
          email: user ? undefined : email,
          metadata,
        }),
      ),
    );
  },
};
