/**
 * Benchmark 2 — webhooks: verify + normalise per second through `adapter.parseWebhook` (Solaris:
 * HMAC-SHA256 signature; Embedded Payments: bearer credential) against the bare minimum a receiver
 * could do with the same payloads: an HMAC (node:crypto) or credential check in constant time plus
 * `JSON.parse`. Measured with tinybench, one task after the other, on the same 64 payloads.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter, signSolarisWebhook } from '@closekit/solaris';
import { Bench } from 'tinybench';
import { round } from './stats';
import { printTable } from './table';

export interface WebhookSettings {
  timeMs: number;
  warmupMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { timeMs: 1500, warmupMs: 300 };

export interface WebhookTaskResult {
  name: string;
  opsPerSec: number;
  meanLatencyUs: number;
  p99LatencyUs: number;
  samples: number;
  relativeMarginOfErrorPercent: number;
}

export interface WebhookComparison {
  provider: string;
  subject: string;
  baseline: string;
  likeForLike: boolean;
  ratio: number;
  target: number;
  targetMet: boolean | null;
}

export interface WebhookResults {
  settings: WebhookSettings;
  payloadBytes: { solaris: number; embeddedPayments: number };
  tasks: WebhookTaskResult[];
  comparisons: WebhookComparison[];
}

const PAYLOADS = 64;
const TARGET = 0.5;
const SOLARIS_SECRET = 'bench-solaris-webhook-secret-0001';
const EP_TOKEN = 'bench-ep-webhook-bearer-token-0001';

interface Delivery {
  rawBody: Buffer;
  headers: Record<string, string>;
  /** What the bare baselines compare: the hex signature (Solaris) or the HMAC of the body (EP, literal baseline). */
  signatureHex: string;
}

/** ACCOUNT_CLOSURE_REQUEST_UPDATE deliveries as the simulator and Solaris send them (provider doc §8). */
function solarisDeliveries(): Delivery[] {
  return Array.from({ length: PAYLOADS }, (_, index) => {
    const hex = index.toString(16).padStart(4, '0');
    const body = JSON.stringify({
      id: `3e4d5c6b7a8f9e0d1c2b3a4f5e6d${hex}acrq`,
      closure_reason: 'CUSTOMER_WISH',
      status: index % 2 === 0 ? 'CONFIRMED' : 'IN_PROGRESS',
      account_id: `adc123a45d6d7cf8fbfeed537ba9${hex}cacc`,
      technical_closure_date: null,
      legal_closure_date: '2026-12-31',
      failure_reason: {},
      payout_allowed: false,
      updated_at: '2026-11-21T08:00:00.000Z',
    });
    const rawBody = Buffer.from(body);
    const signature = signSolarisWebhook(SOLARIS_SECRET, rawBody);
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        'solaris-webhook-id': randomUUID(),
        'solaris-webhook-subscription-id': 'bench-subscription',
        'solaris-webhook-event-type': 'ACCOUNT_CLOSURE_REQUEST_UPDATE',
        'solaris-webhook-signature': signature,
      },
      signatureHex: signature.slice('sha256='.length),
    };
  });
}

/** ACCOUNT_CLOSED notifications (WebhookCallbackEvent, resource as a JSON string) with a bearer token. */
function epDeliveries(): Delivery[] {
  return Array.from({ length: PAYLOADS }, (_, index) => {
    const hex = index.toString(16).padStart(4, '0');
    const body = JSON.stringify({
      eventId: String(186300000000 + index),
      eventType: 'ACCOUNT_CLOSED',
      resourceType: 'ACCOUNTS',
      resource: JSON.stringify({
        id: `1947f5a1a6ec44b48dda074ef4cb${hex}`,
        clientId: '1000010400',
        label: 'MAIN',
        state: 'CLOSED',
        type: 'LIMITED_DDA',
        createdAt: '2026-08-20T15:33:13.448689Z',
      }),
    });
    const rawBody = Buffer.from(body);
    return {
      rawBody,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${EP_TOKEN}` },
      signatureHex: createHmac('sha256', SOLARIS_SECRET).update(rawBody).digest('hex'),
    };
  });
}

/** The bare minimum: HMAC-SHA256 of the raw bytes, constant-time compare, JSON.parse. */
function bareHmacAndParse(delivery: Delivery): unknown {
  const expected = createHmac('sha256', SOLARIS_SECRET).update(delivery.rawBody).digest();
  const presented = Buffer.from(delivery.signatureHex, 'hex');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    throw new Error('bad signature');
  return JSON.parse(delivery.rawBody.toString('utf8'));
}

const EP_EXPECTED = Buffer.from(`Bearer ${EP_TOKEN}`);
/** The bare minimum for a bearer credential: constant-time compare of the header, JSON.parse. */
function bareBearerAndParse(delivery: Delivery): unknown {
  const presented = Buffer.from(delivery.headers.authorization ?? '');
  if (presented.length !== EP_EXPECTED.length || !timingSafeEqual(presented, EP_EXPECTED))
    throw new Error('bad credential');
  return JSON.parse(delivery.rawBody.toString('utf8'));
}

export async function benchWebhooks(
  settings: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS,
): Promise<WebhookResults> {
  const solaris = createSolarisAdapter({ webhookSecrets: [SOLARIS_SECRET] });
  const ep = createEmbeddedPaymentsAdapter({ webhookCredentials: [EP_TOKEN] });
  const solarisPayloads = solarisDeliveries();
  const epPayloads = epDeliveries();

  // Every delivery must verify before anything is timed.
  for (const delivery of solarisPayloads) {
    const event = await solaris.parseWebhook(delivery);
    if (event.isErr()) throw new Error(`solaris parseWebhook: ${event.error.code} ${event.error.message}`);
  }
  for (const delivery of epPayloads) {
    const event = await ep.parseWebhook(delivery);
    if (event.isErr()) throw new Error(`ep parseWebhook: ${event.error.code} ${event.error.message}`);
  }

  let s = 0;
  let e = 0;
  const next = (list: Delivery[], index: number) => list[index % PAYLOADS] as Delivery;
  const bench = new Bench({ time: settings.timeMs, warmupTime: settings.warmupMs, throws: true });
  bench
    .add('solaris parseWebhook (HMAC)', async () => {
      const event = await solaris.parseWebhook(next(solarisPayloads, s++));
      if (event.isErr()) throw event.error;
    })
    .add('solaris bare HMAC + JSON.parse', () => {
      bareHmacAndParse(next(solarisPayloads, s++));
    })
    .add('ep parseWebhook (bearer)', async () => {
      const event = await ep.parseWebhook(next(epPayloads, e++));
      if (event.isErr()) throw event.error;
    })
    .add('ep bare bearer compare + JSON.parse', () => {
      bareBearerAndParse(next(epPayloads, e++));
    })
    .add('ep bare HMAC + JSON.parse', () => {
      bareHmacAndParse(next(epPayloads, e++));
    });
  await bench.run();

  const tasks: WebhookTaskResult[] = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
    return {
      name: task.name,
      opsPerSec: round(result.throughput.mean),
      meanLatencyUs: round(result.latency.mean * 1000, 2),
      p99LatencyUs: round(result.latency.p99 * 1000, 2),
      samples: result.latency.samplesCount,
      relativeMarginOfErrorPercent: round(result.throughput.rme, 2),
    };
  });
  const rate = (name: string) => tasks.find((task) => task.name === name)?.opsPerSec ?? Number.NaN;
  const compare = (
    provider: string,
    subject: string,
    baseline: string,
    likeForLike: boolean,
  ): WebhookComparison => {
    const ratio = rate(subject) / rate(baseline);
    return {
      provider,
      subject,
      baseline,
      likeForLike,
      ratio: round(ratio, 3),
      target: TARGET,
      targetMet: ratio >= TARGET,
    };
  };
  return {
    settings,
    payloadBytes: {
      solaris: solarisPayloads[0]?.rawBody.length ?? 0,
      embeddedPayments: epPayloads[0]?.rawBody.length ?? 0,
    },
    tasks,
    comparisons: [
      compare('solaris', 'solaris parseWebhook (HMAC)', 'solaris bare HMAC + JSON.parse', true),
      compare('embedded-payments', 'ep parseWebhook (bearer)', 'ep bare bearer compare + JSON.parse', true),
      compare('embedded-payments', 'ep parseWebhook (bearer)', 'ep bare HMAC + JSON.parse', false),
    ],
  };
}

export function printWebhooks(results: WebhookResults): void {
  printTable(
    `2a. Webhooks — verify + normalise (tinybench, ${results.settings.timeMs} ms per task; bodies ${results.payloadBytes.solaris} B Solaris, ${results.payloadBytes.embeddedPayments} B EP)`,
    ['task', 'ops/s', 'mean µs', 'p99 µs', 'samples', '± %'],
    results.tasks.map((task) => [
      task.name,
      task.opsPerSec,
      task.meanLatencyUs,
      task.p99LatencyUs,
      task.samples,
      task.relativeMarginOfErrorPercent,
    ]),
  );
  printTable(
    `2b. Webhooks — ratio parseWebhook / bare (target >= ${TARGET * 100}%)`,
    ['provider', 'subject', 'baseline', 'ratio %', 'target met'],
    results.comparisons.map((c) => [c.provider, c.subject, c.baseline, round(c.ratio * 100, 1), c.targetMet]),
  );
}
