import { z } from 'zod';
import { CLOSURE_REASONS, type ClosureReason } from '../domain/closure-reason';
import type { HttpHooks } from '../http/http-transport';
import type { BackoffSettings } from '../http/retry-policy';
import { credentialUrlProblem } from '../http/secure-url';

/** An http(s) URL that credentials may be sent to: https, or http to a loopback host. */
export const credentialUrlSchema = z.string().superRefine((value, context) => {
  const problem = credentialUrlProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const reasonMapSchema = z.partialRecord(z.enum(CLOSURE_REASONS), z.string().min(1).max(200).nullable());

/** Settings every adapter shares, with the same names and meaning. */
export const commonAdapterSettingsSchema = z.object({
  baseUrl: credentialUrlSchema.optional(),
  fetch: z
    .custom<typeof fetch>((value) => typeof value === 'function', 'must be a fetch function')
    .optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  backoff: z
    .strictObject({
      baseDelayMs: z.number().int().min(0).optional(),
      maxDelayMs: z.number().int().min(0).optional(),
      maxRetryAfterMs: z.number().int().min(0).optional(),
    })
    .optional(),
  maxResponseBytes: z.number().int().min(1024).optional(),
  reasonMap: reasonMapSchema.optional(),
  hooks: z
    .strictObject({
      onRequest: z.custom<NonNullable<HttpHooks['onRequest']>>((v) => typeof v === 'function').optional(),
      onResponse: z.custom<NonNullable<HttpHooks['onResponse']>>((v) => typeof v === 'function').optional(),
      onRetry: z.custom<NonNullable<HttpHooks['onRetry']>>((v) => typeof v === 'function').optional(),
    })
    .optional(),
});

/** The TypeScript shape of the common settings (documented in docs/writing-an-adapter.md). */
export interface CommonAdapterSettings {
  /** Provider API base; defaults to the provider's sandbox. */
  baseUrl?: string;
  /** Injectable transport: mTLS dispatcher, proxy, tests. */
  fetch?: typeof fetch;
  /** Per attempt; default 30000. */
  timeoutMs?: number;
  /** Default 2. */
  maxRetries?: number;
  backoff?: BackoffSettings;
  /** Responses larger than this are INVALID_RESPONSE; default 1 MiB. */
  maxResponseBytes?: number;
  /** Overrides of the published reason table; null refuses a reason. */
  reasonMap?: Partial<Record<ClosureReason, string | null>>;
  /** Redacted metadata only. */
  hooks?: HttpHooks;
}

/** A setting's value, else the documented environment variable, else undefined. */
export function settingOrEnv(value: string | undefined, envName: string): string | undefined {
  if (value !== undefined) return value;
  const fromEnv = typeof process !== 'undefined' ? process.env[envName] : undefined;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
