import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseDebuggerFilter } from "@/lib/debugger/filter";
import { prettyCall, summarize } from "@/lib/debugger/pretty";
import { Viewer } from "@/lib/debugger/viewer";
import { redactor, redactRequest } from "@/lib/delivery/redact";
import { applyFilters, type FilterDefinition } from "@/lib/filters/apply";
import { MAX_NESTING_DEPTH } from "@/lib/ingest/limits";
import { nestingDepth, TRUNCATED } from "@/lib/ingest/shape";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import { rowToTapEvent } from "@/lib/ingest/store";
import { post, request } from "@/lib/ingest/testing/client";
import { archived, type IngestHarness, setupIngest } from "@/lib/ingest/testing/fixtures";
import { routeMessage } from "@/lib/routing/route";
import { createTap, type TapEvent } from "@/lib/tap";

// Issue 14, item 3: nesting from 1 to 50,000 levels through every path a message takes (ingest,
// archive, debugger, routing, filters, redaction). Deeper than MAX_NESTING_DEPTH is rejected
// with a reason like any invalid message; in a batch its neighbours are stored and it is archived
// (its too-deep part replaced by a marker) and shown in the debugger. Nothing answers 500.

const tap = createTap();
let h: IngestHarness;
const internalErrors: unknown[][] = [];
const published: TapEvent[] = [];
beforeAll(async () => {
  h = await setupIngest({ tap, rateLimitPerSecond: 0 });
  tap.subscribe(h.source.id, (e) => published.push(e));
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    internalErrors.push(args);
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

let counter = 0;
/** A track message whose nesting is exactly `depth` levels, built as text (no recursion anywhere). */
function deepMessage(depth: number, shape: "object" | "array", messageId = `deep-${++counter}`): string {
  const head = `{"userId":"u","event":"Deep","messageId":"${messageId}"`;
  if (depth === 1) return `${head}}`;
  const [open, close] = shape === "object" ? ['{"a":', "}"] : ["[", "]"];
  return `${head},"properties":{"x":${open.repeat(depth - 2)}0${close.repeat(depth - 2)}}}`;
}

const filters: FilterDefinition[] = [
  {
    id: "f1",
    name: "match",
    condition: 'match(properties.x, "*a*a*b")',
    action: "drop",
    config: {},
    enabled: true,
    position: 0,
  },
  {
    id: "f2",
    name: "equal",
    condition: "properties.x = properties.y",
    action: "drop_fields",
    config: { fields: ["properties.x.a"] },
    enabled: true,
    position: 1,
  },
  {
    id: "f3",
    name: "in",
    condition: '"y" in properties.x',
    action: "drop",
    config: {},
    enabled: true,
    position: 2,
  },
  {
    id: "f4",
    name: "keep",
    condition: "true",
    action: "allow_fields",
    config: { fields: ["properties.x.a.a"] },
    enabled: true,
    position: 3,
  },
  {
    id: "f5",
    name: "sample",
    condition: "true",
    action: "sample",
    config: { percent: 100 },
    enabled: true,
    position: 4,
  },
];
const target = {
  id: "d1",
  catalogName: "Webhook",
  name: "Hook",
  integrationKeys: ["Webhook"],
  supportedTypes: new Set(["track"]),
  filters,
};

/** The filter engine and redaction take any depth, whether or not ingest would have let it in. */
function throughFiltersAndRedaction(text: string) {
  const message = JSON.parse(text) as { properties?: Record<string, unknown> };
  // Two equal but separate deep values, so the comparison walks them all the way down.
  if (message.properties) message.properties.y = (JSON.parse(text) as typeof message).properties!.x;
  expect(() => applyFilters(message, filters)).not.toThrow();
  const redact = redactor(["secret-token-1234"]);
  expect(() => redact(text)).not.toThrow();
  expect(() =>
    redactRequest({ method: "POST", url: "https://x.example/?token=abc", headers: {}, body: text }, redact),
  ).not.toThrow();
}

/** What the debugger does with a tap event: filter (text search serialises it), frame, pretty view. */
function throughDebugger(events: TapEvent[], search: string) {
  const frames: string[] = [];
  const viewer = new Viewer(parseDebuggerFilter(new URLSearchParams({ q: search })), (chunk) => {
    frames.push(chunk);
    return true;
  });
  for (const e of events) viewer.onEvent(e);
  viewer.flush();
  viewer.close();
  for (const e of events) {
    expect(() => prettyCall(e.message)).not.toThrow();
    expect(() => summarize(e.message)).not.toThrow();
  }
  return frames
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map(
      (l) =>
        JSON.parse(l.slice(6)) as { status: string; reason: string | null; message: { messageId: string } },
    );
}

async function sendBatch(depth: number, shape: "object" | "array") {
  const id = `b${++counter}`;
  const neighbour = (n: number) => `{"type":"track","userId":"u","event":"Near","messageId":"${id}-n${n}"}`;
  const deep = deepMessage(depth, shape, `${id}-deep`).replace("{", '{"type":"track",');
  const text = `{"batch":[${neighbour(1)},${deep},${neighbour(2)}]}`;
  const before = published.length;
  const reply = await post(h.url, "/v1/batch", text, { writeKey: h.source.writeKey });
  expect(reply.status).toBe(200);
  const rows = archived(h.db, h.source.id).filter(
    (r) => r.messageId?.startsWith(id) || r.message.messageId?.startsWith(id),
  );
  // Neighbours are stored, whatever happened to the deep one.
  expect(rows.filter((r) => r.status === "accepted").map((r) => r.messageId)).toEqual(
    depth <= MAX_NESTING_DEPTH ? [`${id}-n1`, `${id}-deep`, `${id}-n2`] : [`${id}-n1`, `${id}-n2`],
  );
  if (depth > MAX_NESTING_DEPTH) {
    const path = `properties.x${shape === "object" ? ".a".repeat(MAX_NESTING_DEPTH - 2) : "[0]".repeat(MAX_NESTING_DEPTH - 2)}`;
    expect(reply.json.rejected).toEqual([
      {
        index: 1,
        reason: `${path.slice(0, 77)}… is nested more than ${MAX_NESTING_DEPTH} levels deep (the limit, counting the message itself as level 1)`,
      },
    ]);
    const rejected = rows.find((r) => r.status === "rejected")!;
    expect(rejected.message.messageId).toBe(`${id}-deep`);
    expect(nestingDepth(rejected.message)).toBe(MAX_NESTING_DEPTH);
    expect(rejected.payload).toContain(JSON.stringify(TRUNCATED));
  } else {
    expect(reply.json.rejected).toEqual([]);
  }
  // Live debugger (tap -> viewer) and its history (archive -> backlog) both show all three.
  const live = throughDebugger(published.slice(before), id);
  expect(live.map((f) => f.message.messageId).sort()).toEqual([`${id}-deep`, `${id}-n1`, `${id}-n2`]);
  const history = new SqliteArchiveStore(h.db).recent(h.source.id, { limit: 3, text: id }).map(rowToTapEvent);
  expect(history).toHaveLength(3);
  expect(throughDebugger(history, id).find((f) => f.status === "rejected")?.reason ?? null).toEqual(
    depth > MAX_NESTING_DEPTH ? expect.stringMatching(/nested more than 100 levels/) : null,
  );
  // Routing (every destination step, filters included) over what the archive holds.
  for (const row of rows.filter((r) => r.status === "accepted")) {
    expect(() => routeMessage(JSON.parse(row.payload), target)).not.toThrow();
  }
  throughFiltersAndRedaction(deep);
}

async function sendSingle(depth: number, shape: "object" | "array") {
  const text = deepMessage(depth, shape);
  const reply = await post(h.url, "/v1/track", text, { writeKey: h.source.writeKey });
  if (text.length > 32 * 1024) {
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("message_too_large");
  } else if (depth > MAX_NESTING_DEPTH) {
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("invalid_message");
    expect(reply.json.error.message).toMatch(/is nested more than 100 levels deep/);
  } else {
    expect(reply.status).toBe(200);
  }
}

const FIXED = [1, 2, 3, 99, 100, 101, 102, 1000, 4100, 10_000, 50_000];

describe("nesting depth 1 to 50,000", () => {
  it.each(FIXED)(
    "depth %i: batch neighbours stored, deep message accepted or rejected and shown",
    async (depth) => {
      await sendBatch(depth, "object");
      await sendBatch(depth, "array");
      await sendSingle(depth, "object");
      await sendSingle(depth, "array");
    },
  );

  it("random depths from 1 to 50,000", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50_000 }),
        fc.constantFrom("object", "array"),
        async (d, shape) => {
          await sendBatch(d, shape as "object" | "array");
          await sendSingle(d, shape as "object" | "array");
        },
      ),
      { numRuns: 15 },
    );
  });

  it("pixels and batch-level context are bounded too", async () => {
    const pixel = (depth: number) =>
      request(
        `${h.url}/v1/pixel/track?data=${Buffer.from(deepMessage(depth, "array").replace("{", `{"writeKey":"${h.source.writeKey}",`)).toString("base64url")}`,
      );
    expect((await pixel(100)).status).toBe(200);
    const deep = await pixel(101);
    expect(deep.status).toBe(400);
    expect(deep.headers.get("x-error")).toMatch(/nested more than 100 levels/);
    // A batch-level context is merged into every message (at level 2): 99 levels of its own fit.
    const context = (levels: number) => `${'{"a":'.repeat(levels - 1)}0${"}".repeat(levels - 1)}`;
    const batch = (levels: number) =>
      `{"context":${context(levels)},"batch":[{"type":"track","userId":"u","event":"Ctx"}]}`;
    expect((await post(h.url, "/v1/batch", batch(99), { writeKey: h.source.writeKey })).json.accepted).toBe(
      1,
    );
    const tooDeep = await post(h.url, "/v1/batch", batch(50_000), { writeKey: h.source.writeKey });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.error.code).toBe("invalid_batch");
    expect(tooDeep.json.error.message).toMatch(
      /^batch-level context\.a\.a.* is nested more than 100 levels deep/,
    );
  });

  it("archives a batch item that is a deep list (not a message) within the limit too", async () => {
    const reply = await post(h.url, "/v1/batch", `{"batch":[${"[".repeat(5000)}${"]".repeat(5000)}]}`, {
      writeKey: h.source.writeKey,
    });
    expect(reply.json.rejected).toEqual([
      { index: 0, reason: expect.stringMatching(/nested more than 100 levels/) },
    ]);
    const row = archived(h.db, h.source.id).at(-1)!;
    expect(row.status).toBe("rejected");
    expect(nestingDepth(row.message)).toBe(MAX_NESTING_DEPTH);
    expect(row.message.raw).toBeDefined();
  });

  it("never answered 500 or logged an internal error", () => {
    expect(internalErrors).toEqual([]);
  });
});
