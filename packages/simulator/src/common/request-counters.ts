/** What a simulator counts, so tests can prove "never closed twice" and bound retries. */
export interface SimulatorCounters {
  /** Per account: closures actually applied (see each provider's docs for what counts). */
  closures: Record<string, number>;
  /** The highest value in `closures` (0 when none). */
  maxClosuresPerAccount: number;
  /**
   * Per account: close requests received (applied, refused or faulted), so a test can prove an
   * account was asked once per logical attempt. Counted once the request body was read: a
   * connection cut before that (a `reset-before` or `hang` fault) counts only in `requests`.
   */
  closeRequests: Record<string, number>;
  /** The highest value in `closeRequests` (0 when none). */
  maxCloseRequestsPerAccount: number;
  /** Per route (`"POST /v1/account_closure_requests"`), every request received, faulted or not. */
  requests: Record<string, number>;
  totalRequests: number;
}

export class CounterStore {
  private readonly closures = new Map<string, number>();
  private readonly requests = new Map<string, number>();
  private readonly closeRequests = new Map<string, number>();
  private totalRequests = 0;

  recordCloseRequest(accountId: string): void {
    this.closeRequests.set(accountId, (this.closeRequests.get(accountId) ?? 0) + 1);
  }

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
    let maxCloseRequests = 0;
    for (const count of this.closeRequests.values()) maxCloseRequests = Math.max(maxCloseRequests, count);
    return {
      closures: Object.fromEntries(this.closures),
      maxClosuresPerAccount: max,
      closeRequests: Object.fromEntries(this.closeRequests),
      maxCloseRequestsPerAccount: maxCloseRequests,
      requests: Object.fromEntries(this.requests),
      totalRequests: this.totalRequests,
    };
  }

  reset(): void {
    this.closures.clear();
    this.requests.clear();
    this.closeRequests.clear();
    this.totalRequests = 0;
  }
}
