import { buildSettings, number, secret, select, text } from "../fields";
import type { DestinationType } from "../types";

// The PostgreSQL warehouse (lib/warehouses): every connected source is loaded on an interval into
// its own schema in Segment's warehouse layout (docs/warehouses.md). Host and port are routing
// fields: changing them needs the password typed again, so stored credentials never follow a
// host their owner did not choose.

// A host name or an IP literal, nothing that could smuggle options into a connection string.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[?[0-9A-Fa-f:.]+\]?)$/;
const IDENT = /^[^\0]{1,63}$/;

export const postgres: DestinationType = {
  id: "postgres",
  name: "Postgres",
  category: "Warehouses",
  description:
    "Load every connected source into PostgreSQL in Segment's warehouse schema, on an interval, deduplicated by messageId.",
  supportedTypes: ["track", "identify", "page", "screen", "group", "alias"],
  docsUrl: "https://www.postgresql.org/docs/current/libpq-connect.html",
  ...buildSettings([
    text("host", {
      label: "Host",
      required: true,
      placeholder: "warehouse.example.com",
      help: "Private addresses (10.x, 192.168.x, 127.0.0.1…) need ALLOW_PRIVATE_DESTINATIONS=true on the server.",
      pattern: HOST,
      patternMessage: "A host name or IP address, without scheme or port",
      maxLength: 253,
      routing: true,
    }),
    number("port", { label: "Port", min: 1, max: 65535, default: 5432, routing: true }),
    text("database", {
      label: "Database",
      required: true,
      pattern: IDENT,
      patternMessage: "1 to 63 characters",
      maxLength: 63,
    }),
    text("username", {
      label: "User",
      required: true,
      pattern: IDENT,
      patternMessage: "1 to 63 characters",
      maxLength: 63,
    }),
    secret("password", {
      label: "Password",
      help: "Leave empty for trust authentication.",
    }),
    select("sslMode", {
      label: "SSL mode",
      default: "require",
      options: [
        { value: "disable", label: "disable: no TLS (trusted networks only)" },
        { value: "require", label: "require: TLS, certificate not verified" },
        { value: "verify-full", label: "verify-full: TLS, certificate and host name verified" },
      ],
    }),
    number("syncIntervalMinutes", {
      label: "Sync interval (minutes)",
      min: 1,
      max: 1440,
      default: 60,
      help: "How often new data is loaded: 1 minute to 24 hours. Sync now loads at once.",
    }),
  ]),
  endpointField: "host",
  warehouse: { portField: "port" },
  example: {
    host: "warehouse.example.com",
    port: 5432,
    database: "analytics",
    username: "switchyard",
    password: "s3cret-Pa55",
    sslMode: "require",
    syncIntervalMinutes: 60,
  },
};
