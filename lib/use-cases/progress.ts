import type { UseCase } from "@/lib/catalog/use-cases";
import type {
  Arrival,
  DestinationBrief,
  Env,
  Progress,
  SetupRecord,
  SourceBrief,
  StepView,
} from "@/lib/use-cases/types";

// Progress is computed from what exists (sources labelled dev/prod, destinations connected to
// them, events in the archive), not from flags: deleting the only dev source un-ticks that step.
// Only verification is sticky once reached (setup.devVerifiedAt / prodVerifiedAt), because the
// archive is pruned after its retention period and a finished check should not go back.

export interface SetupFacts {
  setup: SetupRecord;
  useCase: UseCase;
  sources: Record<Env, SourceBrief[]>;
  destinations: Record<Env, DestinationBrief[]>;
  /** Per suggested event name: newest arrival on any source of that environment. */
  received: Record<Env, Record<string, Arrival>>;
  /** Per suggested event not yet received: a name sent instead that looks like it (near-miss.ts). */
  nearMisses?: Record<Env, Record<string, string>>;
}

export const STEP_ORDER: readonly StepView["id"][] = [
  "review",
  "dev-sources",
  "dev-destinations",
  "dev-verify",
  "prod-source",
  "prod-destination",
  "prod-verify",
  "complete",
];

/** Every suggested event has arrived on a dev source. */
export function allArrived(useCase: UseCase, received: Record<string, Arrival>): boolean {
  return useCase.events.every((e) => received[e.event] !== undefined);
}

/** At least one suggested event has arrived on a prod source: the same code already passed dev. */
export function anyArrived(useCase: UseCase, received: Record<string, Arrival>): boolean {
  return useCase.events.some((e) => received[e.event] !== undefined);
}

const enabledOnes = (list: DestinationBrief[]) => list.filter((d) => d.enabled);

export function computeProgress(f: SetupFacts): Progress {
  const devVerified = f.setup.devVerifiedAt !== null || allArrived(f.useCase, f.received.dev);
  const prodVerified = f.setup.prodVerifiedAt !== null || anyArrived(f.useCase, f.received.prod);
  const done: Record<StepView["id"], boolean> = {
    review: f.setup.reviewedAt !== null,
    "dev-sources": f.sources.dev.length > 0,
    "dev-destinations": enabledOnes(f.destinations.dev).length > 0,
    "dev-verify": devVerified,
    "prod-source": f.sources.prod.length > 0,
    "prod-destination": enabledOnes(f.destinations.prod).length > 0,
    "prod-verify": prodVerified,
    complete: f.setup.completedAt !== null,
  };
  const steps = STEP_ORDER.map((id) => ({
    id,
    env: (id === "review" || id.startsWith("dev") ? "dev" : "prod") as Env,
    done: done[id],
  }));
  const count = steps.filter((s) => s.done).length;
  return {
    steps,
    done: count,
    total: steps.length,
    percent: Math.round((count / steps.length) * 100),
    events: f.useCase.events.map((e) => ({
      event: e.event,
      properties: [...e.properties],
      dev: f.received.dev[e.event] ?? null,
      prod: f.received.prod[e.event] ?? null,
      nearMiss: {
        dev: f.received.dev[e.event] ? null : (f.nearMisses?.dev[e.event] ?? null),
        prod: f.received.prod[e.event] ? null : (f.nearMisses?.prod[e.event] ?? null),
      },
    })),
    sources: f.sources,
    destinations: f.destinations,
    devVerified,
    prodVerified,
    missing: missingForCompletion(done),
  };
}

const REASONS: [StepView["id"], string][] = [
  ["review", "Review the suggested events"],
  ["dev-destinations", "Connect an enabled dev destination"],
  ["dev-verify", "Receive every suggested event on a dev source"],
  ["prod-source", "Connect a prod source"],
  ["prod-destination", "Connect an enabled prod destination"],
  ["prod-verify", "Receive a suggested event on a prod source"],
];

function missingForCompletion(done: Record<StepView["id"], boolean>): string[] {
  return REASONS.filter(([id]) => !done[id]).map(([, why]) => why);
}
