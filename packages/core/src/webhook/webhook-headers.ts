import type { WebhookHeaders } from '../port/closure-adapter';

/** One header's value from a Headers object or a Node-style record (case-insensitive; first of repeats). */
export function getHeader(headers: WebhookHeaders, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? (value[0] ?? null) : value;
  }
  return null;
}
