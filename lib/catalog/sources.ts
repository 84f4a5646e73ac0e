import { androidSnippets, iosSnippets, reactNativeSnippets, websiteSnippets } from "./snippets-client";
import {
  goSnippets,
  httpApiSnippets,
  javaSnippets,
  nodeSnippets,
  phpSnippets,
  pixelSnippets,
  pythonSnippets,
  rubySnippets,
} from "./snippets-server";
import type { SourceType } from "./types";

// The source catalog: which official Segment library each source type uses, and how to point it
// at this server. Snippets are generated per source from its write key and the public URL.

const docs = "https://segment.com/docs/connections/sources/catalog/libraries";

export const SOURCE_TYPES: readonly SourceType[] = [
  {
    id: "website",
    name: "Website (JavaScript)",
    category: "Website",
    description: "Analytics.js in the browser: page views, clicks and form events, identity via cookies.",
    library: "analytics.js",
    callStyle: "browser",
    docsUrl: `${docs}/website/javascript/`,
    installSnippet: websiteSnippets,
  },
  {
    id: "ios",
    name: "iOS (Swift)",
    category: "Mobile",
    description: "Analytics-Swift for iOS, iPadOS, macOS, tvOS and watchOS apps.",
    library: "analytics-swift",
    callStyle: "browser",
    docsUrl: `${docs}/mobile/apple/`,
    installSnippet: iosSnippets,
  },
  {
    id: "android",
    name: "Android (Kotlin)",
    category: "Mobile",
    description: "Analytics-Kotlin for Android apps (Kotlin or Java).",
    library: "analytics-kotlin",
    callStyle: "browser",
    docsUrl: `${docs}/mobile/kotlin-android/`,
    installSnippet: androidSnippets,
  },
  {
    id: "react-native",
    name: "React Native",
    category: "Mobile",
    description: "Analytics for React Native apps on iOS and Android, including Expo dev builds.",
    library: "analytics-react-native",
    callStyle: "browser",
    docsUrl: `${docs}/mobile/react-native/`,
    installSnippet: reactNativeSnippets,
  },
  {
    id: "node",
    name: "Node.js",
    category: "Server",
    description: "Server-side tracking from Node.js, Bun, Deno and edge runtimes.",
    library: "analytics-node",
    callStyle: "object",
    docsUrl: `${docs}/server/node/`,
    installSnippet: nodeSnippets,
  },
  {
    id: "python",
    name: "Python",
    category: "Server",
    description: "Server-side tracking from Python applications and jobs.",
    library: "analytics-python",
    callStyle: "object",
    docsUrl: `${docs}/server/python/`,
    installSnippet: pythonSnippets,
  },
  {
    id: "php",
    name: "PHP",
    category: "Server",
    description: "Server-side tracking from PHP applications.",
    library: "analytics-php",
    callStyle: "object",
    docsUrl: `${docs}/server/php/`,
    installSnippet: phpSnippets,
  },
  {
    id: "ruby",
    name: "Ruby",
    category: "Server",
    description: "Server-side tracking from Ruby and Rails applications.",
    library: "analytics-ruby",
    callStyle: "object",
    docsUrl: `${docs}/server/ruby/`,
    installSnippet: rubySnippets,
  },
  {
    id: "go",
    name: "Go",
    category: "Server",
    description: "Server-side tracking from Go services.",
    library: "analytics-go",
    callStyle: "object",
    docsUrl: `${docs}/server/go/`,
    installSnippet: goSnippets,
  },
  {
    id: "java",
    name: "Java",
    category: "Server",
    description: "Server-side tracking from Java and other JVM services.",
    library: "analytics-java",
    callStyle: "object",
    docsUrl: `${docs}/server/java/`,
    installSnippet: javaSnippets,
  },
  {
    id: "http-api",
    name: "HTTP API",
    category: "Other",
    description: "Send Segment Spec calls from any environment with plain HTTP requests.",
    library: "HTTP Tracking API",
    callStyle: "object",
    docsUrl: `${docs}/server/http-api/`,
    installSnippet: httpApiSnippets,
  },
  {
    id: "pixel",
    name: "Pixel",
    category: "Other",
    description: "Track from places that cannot run code, such as email opens, with an image request.",
    library: "Pixel Tracking API",
    callStyle: "object",
    docsUrl: "https://segment.com/docs/connections/sources/catalog/libraries/server/pixel-tracking-api/",
    installSnippet: pixelSnippets,
  },
];

/** Alias of SOURCE_TYPES (the name the console components import). */
export const sourceTypes = SOURCE_TYPES;

const byId = new Map(SOURCE_TYPES.map((s) => [s.id, s]));

/** The catalog name of a source type, or its id when the type is unknown. */
export function sourceTypeName(id: string): string {
  return getSourceType(id)?.name ?? id;
}

export function getSourceType(id: string): SourceType | undefined {
  return byId.get(id);
}

export const SOURCE_TYPE_IDS = SOURCE_TYPES.map((s) => s.id);

interface CategoryMapping {
  /** Source type ids that implement the category here. */
  types: string[];
  /** Why nothing (or only part) of the category exists in Switchyard, and what to use instead. */
  note?: string;
  /** Source types that can stand in when `types` is empty. */
  alternatives?: string[];
}

/** Source categories of the use-case reference (and Segment's catalog) -> Switchyard source types. */
export const USE_CASE_SOURCE_CATEGORIES: Record<string, CategoryMapping> = {
  Website: { types: ["website"] },
  Mobile: { types: ["ios", "android", "react-native"] },
  Server: { types: ["node", "python", "php", "ruby", "go", "java"] },
  Other: { types: ["http-api", "pixel"] },
  "Reverse ETL": {
    types: [],
    alternatives: ["http-api", "node", "python"],
    note: "Reverse ETL sources read rows from a data warehouse on a schedule; Switchyard has no warehouse connector. Send those rows from your own sync job with the HTTP API or a server library (identify for users, group for accounts).",
  },
  Advertising: {
    types: [],
    alternatives: ["pixel", "http-api"],
    note: "Advertising sources are cloud apps that pull conversions and audiences out of ad platforms; Switchyard has no cloud-app sources. Track ad landings and conversions with the Website source, or post the platform's webhooks to the HTTP API.",
  },
  "Cloud Apps": {
    types: [],
    alternatives: ["http-api"],
    note: "Cloud app sources (Stripe, Zendesk, Salesforce, …) are not available; relay their webhooks to the HTTP API.",
  },
};

/** Switchyard source types for a source category from the use-case reference ([] when none exist). */
export function sourceTypesForUseCaseCategory(category: string): SourceType[] {
  return (USE_CASE_SOURCE_CATEGORIES[category]?.types ?? []).map((id) => byId.get(id)!);
}

/** The explanation for categories Switchyard does not (fully) implement, with stand-in types. */
export function sourceCategoryNote(
  category: string,
): { note: string; alternatives: SourceType[] } | undefined {
  const m = USE_CASE_SOURCE_CATEGORIES[category];
  if (!m?.note) return undefined;
  return { note: m.note, alternatives: (m.alternatives ?? []).map((id) => byId.get(id)!) };
}
