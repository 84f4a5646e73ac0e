// A function's share of a core over time (FUNCTIONS_CPU_SHARE, docs/functions.md "Share of a
// core"). A token bucket of CPU milliseconds: the function earns its share of every millisecond that
// passes, up to two CPU limits' worth, and every invocation is charged the CPU time it used. Its
// sandbox (host.ts) asks before handing invocations over: a function within its share is never
// held; one over it waits until it has earned some back, then goes one invocation at a time.

export interface Handover {
  /** How many of the waiting invocations may go now; 0: wait `waitMs` first. */
  count: number;
  /** CPU time charged for each of them now (the function's typical cost), settled when it ends. */
  charged: number;
  waitMs: number;
}

export class CpuShare {
  private credit: number;
  private at: number;
  /** An invocation's CPU time (rising at once, falling slowly); null until one has ended. */
  private typical: number | null = null;

  constructor(
    private readonly cpuLimitMs: number,
    private readonly share: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.credit = this.max();
    this.at = now();
  }

  private max() {
    return 2 * this.cpuLimitMs;
  }

  private earn(): number {
    const t = this.now();
    this.credit = Math.min(this.max(), this.credit + (t - this.at) * this.share);
    this.at = t;
    return this.credit;
  }

  /**
   * How many of `waiting` invocations to hand over now: as many as the credit covers at the
   * typical cost (at least one while the credit is not negative; one until the first has ended).
   */
  take(waiting: number): Handover {
    const credit = this.earn();
    if (credit < 0) return { count: 0, charged: 0, waitMs: Math.ceil(-credit / this.share) };
    const t = this.typical;
    const fits = t === null ? 1 : t > 0 ? Math.max(1, Math.floor(credit / t)) : waiting;
    const count = Math.min(waiting, fits);
    const charged = t ?? 0;
    this.credit -= count * charged;
    return { count, charged, waitMs: 0 };
  }

  /** An invocation ended after `cpuMs` of CPU time; `charged` was taken when it was handed over. */
  ended(cpuMs: number, charged: number): void {
    this.earn();
    this.credit -= cpuMs - charged;
    const t = this.typical;
    this.typical = t === null ? cpuMs : Math.max(cpuMs, t * 0.8 + cpuMs * 0.2);
  }
}
