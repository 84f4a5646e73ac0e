import { eventTimeIso, json, messageId, setting, str } from "@/lib/delivery/destinations/util";
import type {
  DestinationMapping,
  MapContext,
  Message,
  PartnerResponse,
  Settings,
  Verdict,
} from "@/lib/delivery/types";
import { request } from "@/lib/delivery/types";

// ClickHouse HTTP interface: POST {baseUrl}/?query=INSERT INTO db.table FORMAT JSONEachRow with
// one JSON row per line, X-ClickHouse-User / X-ClickHouse-Key, date_time_input_format=best_effort
// (ISO timestamps), async_insert=1&wait_for_async_insert=1 when asynchronous inserts are on (the
// answer still waits for the flush, so a 200 means stored), and insert_deduplication_token =
// messageId. Rows follow the table in docs/catalog.md; a ReplacingMergeTree ordered by
// message_id collapses repeats. ClickHouse answers 500 for permanent errors too, so the error
// code (X-ClickHouse-Exception-Code or "Code: N" in the body) decides whether to retry.

const PERMANENT_CODES = new Set([
  16, 27, 36, 41, 44, 47, 53, 60, 62, 69, 70, 81, 117, 164, 192, 193, 194, 195, 196, 241, 291, 497, 516,
]);

export function clickhouseRow(m: Message, ctx?: MapContext) {
  const event =
    m.type === "track" ? str(m.event) : m.type === "page" || m.type === "screen" ? str(m.name) : undefined;
  return {
    message_id: messageId(m),
    type: str(m.type) ?? "",
    event: event ?? "",
    user_id: str(m.userId) ?? "",
    anonymous_id: str(m.anonymousId) ?? "",
    timestamp: eventTimeIso(m),
    received_at: typeof m.receivedAt === "string" ? m.receivedAt : eventTimeIso(m),
    source_id: ctx?.sourceId ?? "",
    payload: json(m),
  };
}

export const clickhouseMapping: DestinationMapping = {
  build(m: Message, settings: Settings, ctx?: MapContext) {
    const database = setting(settings, "database") || "default";
    const table = setting(settings, "table") || "switchyard_events";
    const url = new URL(`${setting(settings, "baseUrl").replace(/\/+$/, "")}/`);
    url.searchParams.set("query", `INSERT INTO ${database}.${table} FORMAT JSONEachRow`);
    url.searchParams.set("date_time_input_format", "best_effort");
    url.searchParams.set("insert_deduplication_token", messageId(m));
    if (settings.asyncInsert !== false) {
      url.searchParams.set("async_insert", "1");
      url.searchParams.set("wait_for_async_insert", "1");
    }
    const password = setting(settings, "password");
    return request({
      method: "POST",
      url: url.toString(),
      headers: {
        "content-type": "application/x-ndjson",
        "x-clickhouse-user": setting(settings, "username") || "default",
        ...(password ? { "x-clickhouse-key": password } : {}),
      },
      body: `${json(clickhouseRow(m, ctx))}\n`,
    });
  },
  classify(response: PartnerResponse): Verdict | undefined {
    if (response.status < 400) return undefined;
    const header = response.headers["x-clickhouse-exception-code"];
    const code = Number(
      Array.isArray(header) ? header[0] : (header ?? response.body.match(/Code: (\d+)/)?.[1]),
    );
    if (!Number.isInteger(code) || !PERMANENT_CODES.has(code)) return undefined;
    return {
      ok: false,
      retry: false,
      errorType:
        code === 516 || code === 192 || code === 194 || code === 195 ? "unauthorized" : "bad_request",
      message: `HTTP ${response.status}, ClickHouse error ${code}: ${response.body.replace(/\s+/g, " ").slice(0, 300)}`,
    };
  },
};
