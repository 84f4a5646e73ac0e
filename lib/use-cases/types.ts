// What the setup API answers and the wizard renders. Pure data shapes: imported by the browser.

export type Env = "dev" | "prod";

export type StepId =
  | "review"
  | "dev-sources"
  | "dev-destinations"
  | "dev-verify"
  | "prod-source"
  | "prod-destination"
  | "prod-verify"
  | "complete";

export interface StepView {
  id: StepId;
  env: Env;
  done: boolean;
}

export interface Arrival {
  /** Accepted messages seen (capped: "1000" means at least that many). */
  count: number;
  /** Epoch ms of the newest one. */
  lastAt: number;
  /** The source it arrived on most recently, for the debugger link. */
  sourceId: string;
}

export interface EventProgress {
  event: string;
  properties: string[];
  dev: Arrival | null;
  prod: Arrival | null;
  /** Not arrived, but a source of the environment sent a name like it ("order completed"). */
  nearMiss: Record<Env, string | null>;
}

export interface SourceBrief {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  /** For a prod source published by guided setup: the dev source it copies. */
  publishedFrom: string | null;
}

export interface DestinationBrief {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  sourceIds: string[];
  /** Delivery outcomes recorded for this destination (capped like Arrival.count). */
  delivered: number;
  failed: number;
  publishedFrom: string | null;
}

export interface SetupRecord {
  goalId: string;
  useCaseSlug: string;
  library: string | null;
  environmentsAt: string | null;
  reviewedAt: string | null;
  devVerifiedAt: string | null;
  prodVerifiedAt: string | null;
  completedAt: string | null;
  createdAt: string;
}

export interface Progress {
  steps: StepView[];
  done: number;
  total: number;
  percent: number;
  events: EventProgress[];
  sources: Record<Env, SourceBrief[]>;
  destinations: Record<Env, DestinationBrief[]>;
  devVerified: boolean;
  prodVerified: boolean;
  /** What still stands between the owner and "Mark as complete" (empty when it can be done). */
  missing: string[];
}

export interface SetupState {
  setup: SetupRecord | null;
  progress: Progress | null;
  /** Nothing connected yet: no source and no destination in the workspace. */
  fresh: boolean;
  /** Whether the viewer may make choices (Workspace Owners only). */
  canEdit: boolean;
}
