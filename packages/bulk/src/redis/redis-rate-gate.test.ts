import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatedFetch, limiterWindow, runJobWithPrepaidRequest } from './redis-rate-gate';
import { type RedisServer, startRedisServer } from './testing/start-redis-server';

describe('limiterWindow', () => {
  it('splits a rate into ~250 ms windows that never allow more than the rate', () => {
    expect(limiterWindow(20)).toEqual({ max: 5, duration: 250 });
    expect(limiterWindow(25)).toEqual({ max: 6, duration: 240 });
    expect(limiterWindow(7)).toEqual({ max: 2, duration: 286 });
    expect(limiterWindow(1000)).toEqual({ max: 250, duration: 250 });
    expect(limiterWindow(0.5)).toEqual({ max: 1, duration: 2000 });
    for (const rate of [0.1, 1, 3, 9.5, 10, 11, 33, 99, 101, 250, 777, 10_000]) {
      const { max, duration } = limiterWindow(rate);
      expect(Number.isInteger(max) && Number.isInteger(duration)).toBe(true);
      expect((max * 1000) / duration).toBeLessThanOrEqual(rate);
    }
  });
});

describe('the gated fetch on a BullMQ limiter key', () => {
  let server: RedisServer;
  let redis: Redis;
  const limiterKey = 'gate-test:q:limiter';
  const metaKey = 'gate-test:q:meta';

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const answering = (status: number, headers: Record<string, string> = {}) => {
    const sent: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      sent.push(String(input));
      return new Response(null, { status, headers });
    };
    return { sent, fetch };
  };

  it('lets the job its first request on the unit BullMQ took, then takes one unit per request and waits at max', async () => {
    await redis.del(limiterKey);
    // A long window, so the test does not depend on how fast this machine is.
    await redis.hset(metaKey, { max: 3, duration: 60_000 });
    const provider = answering(200);
    const gated = createGatedFetch({
      redis,
      limiterKey,
      metaKey,
      fetch: provider.fetch,
      pauseMs: 1,
      maxPauseMs: 10,
    });

    const fifth = runJobWithPrepaidRequest(async () => {
      for (let index = 1; index <= 4; index += 1) await gated(`https://provider.test/${index}`);
      expect(await redis.get(limiterKey)).toBe('3');
      expect(await redis.pttl(limiterKey)).toBeGreaterThan(0);
      return gated('https://provider.test/5');
    });
    await expect.poll(() => provider.sent.length).toBe(4);
    expect(provider.sent).toHaveLength(4);
    // The window ends (here: the key is gone), and the waiting request goes out.
    await redis.del(limiterKey);
    expect((await fifth).status).toBe(200);
    expect(provider.sent).toEqual([1, 2, 3, 4, 5].map((index) => `https://provider.test/${index}`));
  });

  it("turns a 429's Retry-After into a pause of the whole queue, capped, never shortened", async () => {
    await redis.del(limiterKey);
    await redis.hset(metaKey, { max: 100, duration: 60_000 });
    const slowDown = answering(429, { 'retry-after': '120' });
    const gated = createGatedFetch({
      redis,
      limiterKey,
      metaKey,
      fetch: slowDown.fetch,
      pauseMs: 1_000,
      maxPauseMs: 30_000,
    });
    const response = await runJobWithPrepaidRequest(() => gated('https://provider.test/close'));
    expect(response.status).toBe(429);
    expect(await redis.get(limiterKey)).toBe(String(Number.MAX_SAFE_INTEGER));
    const capped = await redis.pttl(limiterKey);
    expect(capped).toBeGreaterThan(20_000);
    expect(capped).toBeLessThanOrEqual(30_000);

    const brief = answering(429, { 'retry-after': '1' });
    const briefGate = createGatedFetch({
      redis,
      limiterKey,
      metaKey,
      fetch: brief.fetch,
      pauseMs: 1,
      maxPauseMs: 30_000,
    });
    const pending = runJobWithPrepaidRequest(() => briefGate('https://provider.test/other'));
    expect((await pending).status).toBe(429);
    expect(await redis.pttl(limiterKey)).toBeGreaterThan(20_000);
    await redis.del(limiterKey);
  });
});
