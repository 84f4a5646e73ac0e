import type { UseCaseEvent } from "@/lib/catalog/use-cases";
import * as lit from "@/lib/use-cases/literals";
import { sampleProperties } from "@/lib/use-cases/sample-values";

// A use case's suggested events as calls of the chosen tracking library, ready to paste: the
// tracking plan in code. Browser-style libraries (analytics.js, the device SDKs) take the event
// name and properties; server libraries take one message object with a userId.

export interface TrackingPlanLibrary {
  /** The source type the library belongs to (lib/catalog/sources.ts). */
  id: string;
  name: string;
  language: string;
  callStyle: "browser" | "object";
}

export const TRACKING_PLAN_LIBRARIES: readonly TrackingPlanLibrary[] = [
  { id: "website", name: "Analytics.js (website)", language: "typescript", callStyle: "browser" },
  { id: "react-native", name: "React Native", language: "typescript", callStyle: "browser" },
  { id: "ios", name: "iOS (Swift)", language: "swift", callStyle: "browser" },
  { id: "android", name: "Android (Kotlin)", language: "kotlin", callStyle: "browser" },
  { id: "node", name: "Node.js", language: "typescript", callStyle: "object" },
  { id: "python", name: "Python", language: "python", callStyle: "object" },
  { id: "php", name: "PHP", language: "php", callStyle: "object" },
  { id: "ruby", name: "Ruby", language: "ruby", callStyle: "object" },
  { id: "go", name: "Go", language: "go", callStyle: "object" },
  { id: "java", name: "Java", language: "java", callStyle: "object" },
  { id: "http-api", name: "HTTP API (curl)", language: "bash", callStyle: "object" },
];

export const DEFAULT_LIBRARY = "website";

export function getLibrary(id: string | null | undefined): TrackingPlanLibrary {
  return TRACKING_PLAN_LIBRARIES.find((l) => l.id === id) ?? TRACKING_PLAN_LIBRARIES[0]!;
}

const dq = (s: string) => JSON.stringify(s);
const sq = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const USER = "user_123";

type Render = (e: UseCaseEvent, ctx: { publicUrl: string }) => string;

const render: Record<string, Render> = {
  website: (e) => jsCall("analytics", e),
  "react-native": (e) => jsCall("segmentClient", e),
  ios: (e) =>
    e.properties.length
      ? `analytics.track(name: ${dq(e.event)}, properties: ${lit.swift(sampleProperties(e.properties))})`
      : `analytics.track(name: ${dq(e.event)})`,
  android: (e) =>
    e.properties.length
      ? `analytics.track(${dq(e.event)}, ${lit.kotlin(sampleProperties(e.properties))})`
      : `analytics.track(${dq(e.event)})`,
  node: (e) => {
    const props = e.properties.length
      ? `\n  properties: ${lit.js(sampleProperties(e.properties), "  ")},`
      : "";
    return `analytics.track({\n  userId: ${dq(USER)},\n  event: ${dq(e.event)},${props}\n});`;
  },
  python: (e) => {
    const props = e.properties.length
      ? `\n    properties=${lit.python(sampleProperties(e.properties), "    ")},`
      : "";
    return `analytics.track(\n    user_id=${dq(USER)},\n    event=${dq(e.event)},${props}\n)`;
  },
  php: (e) => {
    const props = e.properties.length
      ? `\n    'properties' => ${lit.php(sampleProperties(e.properties), "    ")},`
      : "";
    return `Segment::track([\n    'userId' => ${sq(USER)},\n    'event' => ${sq(e.event)},${props}\n]);`;
  },
  ruby: (e) => {
    const props = e.properties.length
      ? `,\n  properties: ${lit.ruby(sampleProperties(e.properties), "  ")}`
      : "";
    return `Analytics.track(\n  user_id: ${dq(USER)},\n  event: ${dq(e.event)}${props}\n)`;
  },
  go: (e) => {
    const props = e.properties.length
      ? `\n\tProperties: ${lit.go(sampleProperties(e.properties), "\t")},`
      : "";
    return `client.Enqueue(analytics.Track{\n\tUserId: ${dq(USER)},\n\tEvent:  ${dq(e.event)},${props}\n})`;
  },
  java: (e) => {
    const props = e.properties.length
      ? `\n    .properties(${lit.java(sampleProperties(e.properties), "    ")})`
      : "";
    return `analytics.enqueue(TrackMessage.builder(${dq(e.event)})\n    .userId(${dq(USER)})${props});`;
  },
  "http-api": (e, ctx) => {
    const body = { userId: USER, event: e.event, properties: sampleProperties(e.properties) };
    const data = lit.json(body, "  ").replace(/'/g, "'\\''");
    return `curl ${ctx.publicUrl}/v1/track \\\n  -u "$WRITE_KEY:" \\\n  -H 'Content-Type: application/json' \\\n  -d '${data}'`;
  },
};

function jsCall(receiver: string, e: UseCaseEvent): string {
  return e.properties.length
    ? `${receiver}.track(${dq(e.event)}, ${lit.js(sampleProperties(e.properties))});`
    : `${receiver}.track(${dq(e.event)});`;
}

const comment: Record<string, string> = { python: "#", ruby: "#", "http-api": "#" };

/** One call per suggested event, each under a comment naming the event's properties. */
export function trackingPlanSnippet(
  libraryId: string,
  events: readonly UseCaseEvent[],
  ctx: { publicUrl: string },
): { language: string; code: string } {
  const library = getLibrary(libraryId);
  const mark = comment[library.id] ?? "//";
  const code = events
    .map((e) => {
      const props = e.properties.length ? e.properties.join(", ") : "no properties";
      return `${mark} ${e.event}: ${props}\n${render[library.id]!(e, ctx)}`;
    })
    .join("\n\n");
  return { language: library.language, code };
}
