import type { WindowView } from "@/lib/metrics/period";

export interface DeliveryControlView {
  paused: boolean;
  pausedAt: number | null;
  pausedBy: string | null;
  /** closed: sending normally; open: waiting for the next probe; probing: one message is being tried. */
  breaker: "closed" | "open" | "probing";
  breakerSince: number | null;
  nextProbeAt: number | null;
  consecutiveFailures: number;
}

// What the Event Delivery API answers, shared by lib/metrics, the route handlers and the client
// hooks. Times are epoch milliseconds; latencies are milliseconds.

export interface KeyMetricsView {
  window: WindowView;
  delivered: number;
  notDelivered: number;
  /** Dropped by the integrations object, a destination filter or the destination's settings. */
  filtered: number;
  /** Call types or events the destination has no equivalent for. */
  unsupported: number;
  /** Failed attempts that were scheduled for another try (one message can count several times). */
  retried: number;
  /** delivered + notDelivered + filtered + unsupported: messages whose routing finished in the period. */
  finished: number;
  /** notDelivered / (delivered + notDelivered); null without any. */
  failureRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Messages in the queue right now that failed at least once and wait for another attempt. */
  retryingNow: number;
  /** Failed attempts recorded in the period: retried ones plus the final failures (retried + notDelivered). */
  failedAttempts: number;
  /** Paused by a person, and the circuit breaker's state (lib/delivery/control.ts). */
  control: DeliveryControlView;
  /** Messages of the period (any status) that a Replay sent again. */
  replayed: number;
  /** Messages in the queue right now waiting for (or in) their first attempt. */
  queuedNow: number;
  /** False until the destination has had any outcome or queued message (drives the empty state). */
  hasHistory: boolean;
  /** Delivered messages the privacy step removed fields from, and how many fields in all. */
  privacy?: { events: number; fields: number };
  /**
   * Which step stopped the filtered and unsupported messages (outcome error types, e.g.
   * "insert_function", "destination_filter"), counted from the outcomes kept for the archive's
   * retention, most frequent first.
   */
  filteredBy: { errorType: string; title: string; count: number }[];
}

export interface TrendPoint {
  /** Bucket start. */
  t: number;
  delivered: number;
  notDelivered: number;
  filtered: number;
  retried: number;
  /** null when nothing was delivered in the bucket (no latency to report). */
  p95Ms: number | null;
}

export interface TrendsView {
  window: WindowView;
  points: TrendPoint[];
}

export interface SampleSummary {
  id: number;
  messageId: string;
  at: number;
  errorMessage: string;
}

export interface ErrorRowView {
  /** Unique per row: state, error type and status. */
  key: string;
  /** "final": messages given up on (part of Not delivered); "retrying": failed attempts that were retried. */
  state: "final" | "retrying";
  errorType: string;
  /** The HTTP status of this row (null when no answer came back). */
  httpStatus: number | null;
  /** Failed attempts in the period (for final rows: the messages' last attempts). */
  attempts: number;
  /** Distinct messages: given up on (final), or whose first failed attempt was in the period (retrying). */
  messages: number;
  /** Retrying rows: messages in the queue now whose last attempt failed this way. */
  waitingNow: number;
  /** The three newest kept samples of this error type and status. */
  samples: SampleSummary[];
  title: string;
  description: string;
  /** Whether the delivery engine retries this kind of failure by itself. */
  retryable: boolean;
  count: number;
  lastSeenAt: number;
  /** HTTP statuses seen, most frequent first (empty when no answer came back). */
  httpStatuses: number[];
}

export interface ErrorsView {
  window: WindowView;
  /** Sum of the final rows' counts; equals KeyMetricsView.notDelivered for the same window. */
  total: number;
  /** Sum of the retrying rows' attempts. */
  retryingAttempts: number;
  errors: ErrorRowView[];
}

export interface SampleView {
  id: number;
  messageId: string;
  at: number;
  /** Whether the sample's time lies in the requested period (older ones are shown when none does). */
  inPeriod: boolean;
  httpStatus: number | null;
  errorMessage: string;
  /** Parsed JSON when the stored text is JSON, else the text. Already redacted. */
  youSent: unknown;
  request: unknown;
  response: unknown;
}

export interface HealthRulesView {
  windowMs: number;
  minAttempts: number;
  failingRate: number;
  degradedRate: number;
  degradedPendingRetries: number;
}

export interface DestinationHealthRow {
  destinationId: string;
  name: string;
  type: string;
  enabled: boolean;
  state: "healthy" | "degraded" | "failing";
  since: number | null;
  reason: string | null;
  delivered: number;
  notDelivered: number;
  failureRate: number | null;
  p95Ms: number | null;
  pendingRetries: number;
  /** Failed attempts in the window (retried + not delivered), as Key metrics counts them. */
  failedAttempts: number;
  control: DeliveryControlView;
  /** Per hour of the window: delivered and not delivered, zeros where nothing happened. */
  spark: { t: number; delivered: number; notDelivered: number }[];
}

export interface HealthActivity {
  id: number;
  destinationId: string;
  destinationName: string | null;
  state: string;
  previousState: string | null;
  at: number;
  reason: string;
}

export interface OverviewView {
  window: WindowView;
  rules: HealthRulesView;
  totals: { delivered: number; notDelivered: number; failureRate: number | null; p95Ms: number | null };
  destinations: DestinationHealthRow[];
  activity: HealthActivity[];
}
