import { baseUrl, boolean, buildSettings, secret, text } from "../fields";
import type { DestinationType } from "../types";

// The Reverse ETL destination: lands every message as a row in a ClickHouse table through the
// HTTP interface, POST {baseUrl}/?query=INSERT INTO {database}.{table} FORMAT JSONEachRow with
// X-ClickHouse-User / X-ClickHouse-Key. Reverse ETL tools then model that table and sync
// audiences back out to the business tools (docs/catalog.md has the table definition).
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const clickhouse: DestinationType = {
  id: "clickhouse",
  name: "ClickHouse",
  category: "Reverse ETL",
  description: "Land raw events in a ClickHouse table that your Reverse ETL syncs and models read from.",
  supportedTypes: ["track", "identify", "page", "screen", "group", "alias"],
  docsUrl: "https://clickhouse.com/docs/interfaces/http",
  ...buildSettings([
    baseUrl({
      required: true,
      placeholder: "https://abc123.eu-west-1.aws.clickhouse.cloud:8443",
      help: "HTTP(S) interface of your service: port 8443 on ClickHouse Cloud, 8123/8443 self-hosted.",
    }),
    text("username", { label: "User", default: "default" }),
    secret("password", { label: "Password" }),
    text("database", {
      label: "Database",
      default: "default",
      pattern: identifier,
      patternMessage: "Letters, digits and _ only",
    }),
    text("table", {
      label: "Table",
      default: "switchyard_events",
      pattern: identifier,
      patternMessage: "Letters, digits and _ only",
    }),
    boolean("asyncInsert", {
      label: "Asynchronous inserts",
      help: "Adds async_insert=1 so ClickHouse buffers small inserts server-side.",
      default: true,
    }),
  ]),
  endpointField: "baseUrl",
  example: {
    baseUrl: "https://abc123.eu-west-1.aws.clickhouse.cloud:8443",
    username: "switchyard",
    password: "s3cret-Pa55",
    table: "switchyard_events",
  },
};
