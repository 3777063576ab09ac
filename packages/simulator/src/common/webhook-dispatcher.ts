import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface WebhookRetrySettings {
  /** Total attempts per event, first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetrySettings = {
  maxAttempts: 5,
  baseDelayMs: 20,
  maxDelayMs: 500,
  timeoutMs: 5_000,
};

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'rejected' | 'no-target';

export interface WebhookAttempt {
  attempt: number;
  /** HTTP status, or null on a network error / timeout. */
  status: number | null;
  error: string | null;
}

export interface WebhookDelivery {
  eventId: string;
  eventType: string;
  /** The registered URL at the time the event was raised, null when none was. */
  url: string | null;
  status: WebhookDeliveryStatus;
  attempts: WebhookAttempt[];
  /** The exact bytes sent (UTF-8), so tests can verify signatures themselves. */
  body: string;
  /** Headers of the last attempt. */
  headers: Record<string, string>;
}

export interface WebhookEvent {
  eventId: string;
  eventType: string;
  body: string;
  /** Headers for one attempt (1-based), e.g. Solaris-Webhook-Attempt. */
  headers(attempt: number): Record<string, string>;
}

/** How a receiver's answer is read: delivered, worth retrying, or final refusal. */
export type DeliveryVerdict = 'delivered' | 'retry' | 'stop';

const MAX_LOGGED_DELIVERIES = 1_000;

/**
 * Delivers webhook events one after the other (a serial queue, so order and timing are
 * reproducible), retrying with exponential backoff as the provider's docs describe.
 */
export class WebhookDispatcher {
  private url: string | null;
  private readonly log: WebhookDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private generation = 0;
  private closed = false;

  constructor(
    private readonly retry: WebhookRetrySettings,
    private readonly verdict: (status: number) => DeliveryVerdict,
    initialUrl: string | null,
  ) {
    this.url = initialUrl;
  }

  setUrl(url: string | null): void {
    this.url = url;
  }

  getUrl(): string | null {
    return this.url;
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((delivery) => ({
      ...delivery,
      attempts: [...delivery.attempts],
      headers: { ...delivery.headers },
    }));
  }

  enqueue(event: WebhookEvent): void {
    const delivery: WebhookDelivery = {
      eventId: event.eventId,
      eventType: event.eventType,
      url: this.url,
      status: this.url === null ? 'no-target' : 'pending',
      attempts: [],
      body: event.body,
      headers: event.headers(1),
    };
    this.log.push(delivery);
    if (this.log.length > MAX_LOGGED_DELIVERIES) this.log.shift();
    if (delivery.url === null || this.closed) return;
    const generation = this.generation;
    this.queue = this.queue.then(() => this.deliver(delivery, event, generation));
  }

  /** Resolves once every queued event is delivered or has given up. */
  async flush(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  /** Forgets the log and abandons queued retries. */
  reset(url: string | null): void {
    this.generation++;
    this.log.length = 0;
    this.url = url;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    this.reset(null);
  }

  private async deliver(delivery: WebhookDelivery, event: WebhookEvent, generation: number): Promise<void> {
    const target = delivery.url as string;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (generation !== this.generation) return;
      const headers = event.headers(attempt);
      delivery.headers = headers;
      const outcome = await postOnce(target, event.body, headers, this.retry.timeoutMs);
      delivery.attempts.push({ attempt, ...outcome });
      const verdict = outcome.status === null ? 'retry' : this.verdict(outcome.status);
      if (verdict === 'delivered') {
        delivery.status = 'delivered';
        return;
      }
      if (verdict === 'stop') {
        delivery.status = 'rejected';
        return;
      }
      if (attempt < this.retry.maxAttempts) {
        const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        if (!(await this.sleep(delay, generation))) return;
      }
    }
    delivery.status = 'failed';
  }

  private sleep(ms: number, generation: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(generation === this.generation);
      }, ms);
      this.timers.add(timer);
    });
  }
}

function postOnce(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, error });
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      finish(null, 'invalid URL');
      return;
    }
    const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const payload = Buffer.from(body, 'utf8');
    const req = send(parsed, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-length': String(payload.length) },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(null, 'timeout');
    }, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode ?? null, null));
      res.on('error', () => finish(res.statusCode ?? null, null));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(null, error.code ?? 'network error'));
    req.end(payload);
  });
}
