import { describe, expect, it } from 'vitest';
import { createRateLimitedFetch } from './rate-limited-fetch';

describe('createRateLimitedFetch', () => {
  it('sends through the given fetch and counts requests and 429 answers', async () => {
    const statuses = [200, 429, 200];
    const limited = createRateLimitedFetch({
      requestsPerSecond: 100,
      fetch: async () => new Response(null, { status: statuses.shift() ?? 200 }),
    });
    const answers = await Promise.all([1, 2, 3].map(() => limited.fetch('http://127.0.0.1/x')));
    expect(answers.map((response) => response.status).sort()).toEqual([200, 200, 429]);
    expect(limited.stats()).toEqual({ requests: 3, rateLimited: 1 });
  });

  it('holds requests beyond the limit in the queue, where an abort takes them out unsent', async () => {
    let sent = 0;
    const limited = createRateLimitedFetch({
      requestsPerSecond: 1,
      fetch: async () => {
        sent += 1;
        return new Response(null, { status: 200 });
      },
    });
    await limited.fetch('http://127.0.0.1/first');
    const controller = new AbortController();
    const second = limited.fetch('http://127.0.0.1/second', { signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toThrow();
    expect(sent).toBe(1);
    expect(limited.stats().requests).toBe(1);
  });
});
