import type { z } from "zod";

// Shared catalog types. Pure data shapes: this module is imported by the browser as well.

/** The six calls of the Segment Spec. */
export const CALL_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** Destination categories, spelled exactly as the Segment use-case reference spells them. */
export const DESTINATION_CATEGORIES = [
  "Analytics",
  "Email Marketing",
  "Live Chat",
  "Advertising",
  "Personalization",
  "SMS & Push Notifications",
  "Reverse ETL",
  "Raw Data/Webhooks",
  "Warehouses",
] as const;
export type DestinationCategory = (typeof DESTINATION_CATEGORIES)[number];

export const SOURCE_CATEGORIES = ["Website", "Mobile", "Server", "Other"] as const;
export type SourceCategory = (typeof SOURCE_CATEGORIES)[number];

export interface SnippetContext {
  /** Where this Switchyard server is reachable from the tracked app, e.g. https://cdp.example.com */
  publicUrl: string;
  writeKey: string;
}

export interface Snippet {
  /** Short heading for the step, e.g. "Install" or "Initialize and track". */
  title: string;
  /** Highlighting hint: html, typescript, bash, swift, kotlin, python, php, ruby, go, java, xml. */
  language: string;
  code: string;
}

export interface SourceType {
  id: string;
  name: string;
  category: SourceCategory;
  description: string;
  /** The official Segment library (or API) the snippets use. */
  library: string;
  /**
   * "browser": positional calls, `analytics.track("Event", { ...props })` (analytics.js and the
   * device SDKs). "object": one message object, `analytics.track({ userId, event, properties })`.
   */
  callStyle: "browser" | "object";
  docsUrl: string;
  installSnippet(ctx: SnippetContext): Snippet[];
}

export type FieldKind =
  | "text"
  | "url"
  | "password"
  | "select"
  | "boolean"
  | "number"
  | "headers"
  | "textarea"
  | "string-list";

export interface FieldOption {
  value: string;
  label: string;
}

/** Drives the generic destination settings form. One per setting; `key` is the settings key. */
export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  /** Stored encrypted, never sent back to the browser; see maskSettings. */
  secret: boolean;
  /**
   * Decides where requests go (URL, base URL, host, region endpoint). Changing it requires
   * re-entering (or removing) every stored secret in the same request, so credentials never follow
   * a URL to a host their owner did not choose (see changedRoutingFields). Every type's
   * endpointField and region field must be one; catalog.test.ts checks it.
   */
  routing?: boolean;
  placeholder?: string;
  help?: string;
  options?: FieldOption[];
  default?: unknown;
  /** Bounds for kind "number". */
  min?: number;
  max?: number;
}

/** One entry of a "headers" setting. */
export interface HeaderEntry {
  key: string;
  value: string;
}

/** A base URL chosen by a select setting (region / data center / instance). */
export interface RegionEndpoints {
  /** Key of the select field holding the region. */
  field: string;
  /** Region value -> real API base URL. */
  urls: Record<string, string>;
}

export interface DestinationType {
  id: string;
  name: string;
  category: DestinationCategory;
  description: string;
  supportedTypes: readonly CallType[];
  docsUrl?: string;
  /** Validates a full settings object (public + secret fields); issue paths start with the field key. */
  settings: z.ZodObject;
  fields: FieldSpec[];
  /**
   * Key of the URL setting that deliveries are sent to: "baseUrl" for every API destination,
   * "url" for Webhook and "webhookUrl" for Slack (where the whole URL is the target).
   */
  endpointField: string;
  /** When the base URL depends on a region select; an explicit endpointField value wins. */
  regions?: RegionEndpoints;
  /** A valid settings object, shown in docs and checked by the tests. */
  example: Record<string, unknown>;
  /**
   * Warehouses (lib/warehouses) are loaded in bulk from the archive on an interval instead of
   * receiving each message: the router skips them, and integrations/destination filters do not
   * apply. `endpointField` then names the host setting, checked by the same SSRF policy.
   */
  warehouse?: { portField: string };
}
