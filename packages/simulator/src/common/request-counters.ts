/** What a simulator counts, so tests can prove "never closed twice" and bound retries. */
export interface SimulatorCounters {
  /** Per account: closures actually applied (see each provider's docs for what counts). */
  closures: Record<string, number>;
  /** The highest value in `closures` (0 when none). */
  maxClosuresPerAccount: number;
  /** Per route (`"POST /v1/account_closure_requests"`), every request received, faulted or not. */
  requests: Record<string, number>;
  totalRequests: number;
}

export class CounterStore {
  private readonly closures = new Map<string, number>();
  private readonly requests = new Map<string, number>();
  private totalRequests = 0;

  recordClosure(accountId: string): void {
    this.closures.set(accountId, (this.closures.get(accountId) ?? 0) + 1);
  }

  closuresFor(accountId: string): number {
    return this.closures.get(accountId) ?? 0;
  }

  countRequest(routeKey: string): void {
    this.totalRequests++;
    this.requests.set(routeKey, (this.requests.get(routeKey) ?? 0) + 1);
  }

  snapshot(): SimulatorCounters {
    let max = 0;
    for (const count of this.closures.values()) max = Math.max(max, count);
    return {
      closures: Object.fromEntries(this.closures),
      maxClosuresPerAccount: max,
      requests: Object.fromEntries(this.requests),
      totalRequests: this.totalRequests,
    };
  }

  reset(): void {
    this.closures.clear();
    this.requests.clear();
    this.totalRequests = 0;
  }
}
