/**
 * Seeded pseudo-random numbers (mulberry32). Every random choice a simulator makes (ids, tokens,
 * fault probability draws) comes from one of these streams, so the same seed and the same sequence
 * of requests give the same ids and the same fault decisions. Each concern draws from its own named
 * stream: fetching a token does not shift the next closure id, and a fault draw does not shift either.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
  /** `length` decimal digits. */
  digits(length: number): string;
  /** A UUID v4-shaped string. */
  uuid(): string;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function createPrng(seed: number, stream: string): Prng {
  let state = (Math.trunc(seed) ^ fnv1a(stream)) >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const hex = (length: number): string => {
    let out = '';
    while (out.length < length) out += nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  };
  return {
    next: () => nextUint32() / 0x1_0000_0000,
    nextUint32,
    hex,
    digits: (length: number) => {
      let out = '';
      while (out.length < length) out += String(nextUint32() % 10);
      return out;
    },
    uuid: () => {
      const raw = hex(32);
      const variant = ((Number.parseInt(raw[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
      return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-4${raw.slice(13, 16)}-${variant}${raw.slice(17, 20)}-${raw.slice(20, 32)}`;
    },
  };
}
