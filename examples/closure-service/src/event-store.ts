/** Remembers which webhook events were already handled. Swap in Redis or your database in production. */
export interface ProcessedEventStore {
  /** True when the event is new (and is now remembered), false when it was seen before. */
  markIfNew(provider: string, eventId: string): Promise<boolean>;
}

/** In-memory, bounded: forgets the oldest ids past `capacity`. Fine for one process and tests. */
export function createMemoryEventStore(capacity = 100_000): ProcessedEventStore {
  const seen = new Set<string>();
  return {
    async markIfNew(provider, eventId) {
      const key = `${provider}\u0000${eventId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > capacity) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return true;
    },
  };
}
