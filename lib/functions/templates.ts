import type { FunctionKind } from "@/lib/functions/sandbox/types";
import type { SettingDecl } from "@/lib/functions/schema";

// Starting points offered when a function is created. Each is complete and deployable as is.

export interface FunctionTemplate {
  id: string;
  kind: FunctionKind;
  name: string;
  description: string;
  code: string;
  settings: SettingDecl[];
}

const setting = (s: Partial<SettingDecl> & Pick<SettingDecl, "name">): SettingDecl => ({
  label: s.name,
  type: "string",
  description: "",
  required: false,
  secret: false,
  ...s,
});

export const TEMPLATES: readonly FunctionTemplate[] = [
  {
    id: "stripe-webhook",
    kind: "source",
    name: "Stripe-like webhook",
    description:
      "Verifies a Stripe-Signature header and turns invoice and customer events into track and identify calls.",
    settings: [
      setting({
        name: "signingSecret",
        label: "Webhook signing secret",
        description: "whsec_… from the sender; leave empty to skip verification while testing.",
        secret: true,
      }),
    ],
    code: `// Receives a Stripe-style webhook: { type, data: { object } } with a Stripe-Signature header
// "t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">".
async function onRequest(request, settings) {
  const raw = request.text();
  if (settings.signingSecret) verify(raw, request.headers.get("Stripe-Signature"), settings.signingSecret);
  const body = request.json();
  const object = body.data && body.data.object ? body.data.object : {};
  const userId = object.customer || object.id;
  if (!userId) throw new InvalidEventPayload("The event has no customer");

  switch (body.type) {
    case "customer.created":
    case "customer.updated":
      Segment.identify({ userId, traits: { email: object.email, name: object.name } });
      break;
    case "invoice.paid":
      Segment.track({
        userId,
        event: "Invoice Paid",
        properties: { invoiceId: object.id, amount: object.amount_paid / 100, currency: object.currency },
      });
      break;
    default:
      Segment.track({ userId, event: body.type, properties: { id: object.id } });
  }
}

function verify(raw, header, secret) {
  const parts = {};
  for (const pair of String(header || "").split(",")) {
    const [k, v] = pair.split("=");
    parts[k] = v;
  }
  if (!parts.t || !parts.v1) throw new ValidationError("Missing Stripe-Signature header");
  const expected = crypto.createHmac("sha256", secret).update(parts.t + "." + raw).digest("hex");
  if (expected !== parts.v1) throw new ValidationError("Signature does not match");
}
`,
  },
  {
    id: "webhook-hmac",
    kind: "destination",
    name: "Webhook with HMAC signature",
    description:
      "POSTs every event as JSON to a URL with an X-Signature header (hex HMAC-SHA256 of the body).",
    settings: [
      setting({
        name: "url",
        label: "Endpoint URL",
        required: true,
        description: "Where events are POSTed.",
      }),
      setting({ name: "sharedSecret", label: "Shared secret", required: true, secret: true }),
    ],
    code: `// Sends each event to settings.url, signed so the receiver can check it came from here.
async function send(event, settings) {
  const body = JSON.stringify(event);
  const signature = crypto.createHmac("sha256", settings.sharedSecret).update(body).digest("hex");
  let response;
  try {
    response = await fetch(settings.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Signature": signature },
      body,
    });
  } catch (error) {
    throw new RetryError(error.message); // network failures: try again later
  }
  if (response.status >= 500 || response.status === 429) throw new RetryError("HTTP " + response.status);
  if (!response.ok) throw new ValidationError("HTTP " + response.status + ": " + (await response.text()));
}

async function onTrack(event, settings) { await send(event, settings); }
async function onIdentify(event, settings) { await send(event, settings); }
async function onPage(event, settings) { await send(event, settings); }
async function onScreen(event, settings) { await send(event, settings); }
async function onGroup(event, settings) { await send(event, settings); }
async function onAlias(event, settings) { await send(event, settings); }
`,
  },
  {
    id: "remove-pii",
    kind: "insert",
    name: "Remove PII keys",
    description:
      "Deletes personal keys (email, phone, address, …) from traits, properties and context.traits.",
    settings: [
      setting({
        name: "extraKeys",
        label: "More keys to remove",
        description: "Comma-separated, e.g. ssn,birthday",
      }),
    ],
    code: `const PII = ["email", "phone", "address", "firstName", "lastName", "name", "birthday", "ip"];

function scrub(object, keys) {
  if (!object || typeof object !== "object") return;
  for (const key of Object.keys(object)) if (keys.has(key.toLowerCase())) delete object[key];
}

function removePii(event, settings) {
  const extra = (settings.extraKeys || "").split(",").map((k) => k.trim()).filter(Boolean);
  const keys = new Set([...PII, ...extra].map((k) => k.toLowerCase()));
  scrub(event.traits, keys);
  scrub(event.properties, keys);
  if (event.context) {
    scrub(event.context.traits, keys);
    delete event.context.ip;
  }
  return event;
}

async function onTrack(event, settings) { return removePii(event, settings); }
async function onIdentify(event, settings) { return removePii(event, settings); }
async function onPage(event, settings) { return removePii(event, settings); }
async function onScreen(event, settings) { return removePii(event, settings); }
async function onGroup(event, settings) { return removePii(event, settings); }
async function onAlias(event, settings) { return removePii(event, settings); }
`,
  },
  {
    id: "rename-events",
    kind: "insert",
    name: "Rename events",
    description: "Renames track events by a mapping, and drops the events named in a list.",
    settings: [
      setting({
        name: "renames",
        label: "Renames",
        type: "text",
        description: "One per line: Old Name => New Name",
      }),
      setting({ name: "drop", label: "Events to drop", description: "Comma-separated event names" }),
    ],
    code: `async function onTrack(event, settings) {
  const dropped = (settings.drop || "").split(",").map((s) => s.trim()).filter(Boolean);
  if (dropped.includes(event.event)) throw new DropEvent("Dropped by name: " + event.event);
  for (const line of (settings.renames || "").split("\\n")) {
    const [from, to] = line.split("=>").map((s) => s.trim());
    if (from && to && event.event === from) {
      event.event = to;
      break;
    }
  }
  return event;
}

// Other call types pass through unchanged.
async function onIdentify(event) { return event; }
async function onPage(event) { return event; }
async function onScreen(event) { return event; }
async function onGroup(event) { return event; }
async function onAlias(event) { return event; }
`,
  },
  {
    id: "blank-source",
    kind: "source",
    name: "Blank source function",
    description: "onRequest with the request's JSON body.",
    settings: [],
    code: `async function onRequest(request, settings) {
  const body = request.json();
  console.log("received", body);
  Segment.track({ userId: body.userId, event: body.event || "Webhook Received", properties: body });
}
`,
  },
  {
    id: "blank-destination",
    kind: "destination",
    name: "Blank destination function",
    description: "One handler per call type.",
    settings: [],
    code: `async function onTrack(event, settings) {
  console.log("track", event.event);
}

async function onIdentify(event, settings) {
  console.log("identify", event.userId);
}
`,
  },
  {
    id: "blank-insert",
    kind: "insert",
    name: "Blank insert function",
    description: "Returns every event unchanged.",
    settings: [],
    code: `async function onTrack(event, settings) { return event; }
async function onIdentify(event, settings) { return event; }
async function onPage(event, settings) { return event; }
async function onScreen(event, settings) { return event; }
async function onGroup(event, settings) { return event; }
async function onAlias(event, settings) { return event; }
`,
  },
];

export function getTemplate(id: string | undefined, kind: FunctionKind): FunctionTemplate | undefined {
  if (id === undefined) return TEMPLATES.find((t) => t.id === `blank-${kind}`);
  return TEMPLATES.find((t) => t.id === id && t.kind === kind);
}
