import type { WebhookHeaders } from '../port/closure-adapter';

/** One header's value from a Headers object or a Node-style record (case-insensitive; first of repeats). */
export function getHeader(headers: WebhookHeaders, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  // Node's IncomingMessage.headers are already lower-case: try that before scanning every key.
  const direct = Object.hasOwn(headers, wanted) ? headers[wanted] : undefined;
  if (direct !== undefined) return firstValue(direct);
  for (const key in headers) {
    if (!Object.hasOwn(headers, key) || key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    if (value !== undefined) return firstValue(value);
  }
  return null;
}

/** Anything but a string (or a list starting with one) counts as absent: callers may pass untyped records. */
function firstValue(value: unknown): string | null {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : null;
}
