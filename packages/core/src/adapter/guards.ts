import { z } from 'zod';

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a plain object, else an empty one: for reading optional fields. */
export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A string, else null. */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A finite number, or a string holding one (providers send both), else null. */
export function numberOrNull(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/**
 * Lenient wire fields for response schemas: a field we read but whose absence or odd type must
 * not fail the whole answer (STYLE.md: lenient wire schemas) becomes null instead.
 */
export const lenientText = z.transform(textOrNull);
export const lenientNumber = z.transform(numberOrNull);
