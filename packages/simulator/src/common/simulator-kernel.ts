import { FaultInjector, type FaultRule } from './fault-rules';
import { createPrng, type Prng } from './prng';
import { CounterStore } from './request-counters';
import {
  DEFAULT_WEBHOOK_RETRY,
  type DeliveryVerdict,
  WebhookDispatcher,
  type WebhookRetrySettings,
} from './webhook-dispatcher';

/** Options every simulator accepts. */
export interface CommonSimulatorOptions {
  /** Listening port; 0 (default) picks a free one. */
  port?: number;
  /** Listening host; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Seed for every random choice (ids, tokens, fault draws); default 1. */
  seed?: number;
  /** Clock for timestamps and dates; default the system clock. */
  now?: () => Date;
  /** Where webhooks go; can also be set later with `control.setWebhookUrl`. */
  webhookUrl?: string;
  /** Webhook retry schedule; defaults are small so tests stay fast. */
  webhookRetry?: Partial<WebhookRetrySettings>;
  /** Fault rules active from the start (and again after `reset`). */
  faults?: readonly FaultRule[];
}

export const DEFAULT_SEED = 1;

/** The pieces every simulator shares: seeded streams, faults, counters, webhook queue. */
export class SimulatorKernel {
  readonly counters = new CounterStore();
  readonly faults: FaultInjector;
  readonly webhooks: WebhookDispatcher;
  ids!: Prng;
  tokens!: Prng;
  events!: Prng;
  /** Error ids and trace ids, kept apart so faulted answers do not shift closure ids. */
  traces!: Prng;
  private readonly seed: number;
  private readonly clock: () => Date;

  constructor(
    private readonly options: CommonSimulatorOptions,
    verdict: (status: number) => DeliveryVerdict,
  ) {
    this.seed = options.seed ?? DEFAULT_SEED;
    this.clock = options.now ?? (() => new Date());
    this.faults = new FaultInjector(createPrng(this.seed, 'faults'));
    this.webhooks = new WebhookDispatcher(
      { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry },
      verdict,
      options.webhookUrl ?? null,
    );
    this.reset();
  }

  now(): Date {
    return this.clock();
  }

  /** Back to the state right after start: fresh PRNG streams, initial faults and webhook URL. */
  reset(): void {
    this.ids = createPrng(this.seed, 'ids');
    this.tokens = createPrng(this.seed, 'tokens');
    this.events = createPrng(this.seed, 'events');
    this.traces = createPrng(this.seed, 'traces');
    this.faults.reset(createPrng(this.seed, 'faults'));
    if (this.options.faults !== undefined && this.options.faults.length > 0)
      this.faults.add(this.options.faults);
    this.counters.reset();
    this.webhooks.reset(this.options.webhookUrl ?? null);
  }
}
