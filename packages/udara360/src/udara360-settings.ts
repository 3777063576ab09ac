import { CLOSURE_REASONS, type CommonAdapterSettings, commonAdapterSettingsSchema } from '@closekit/core';
import { z } from 'zod';
import { CLOSURE_REASON_MAX_LENGTH } from './map-udara360-closure-reason';

export const UDARA360_PROVIDER = 'udara360';

/** Udara360's test ("staging") host; the default (providers/udara360.md §1, [PM]). */
export const UDARA360_TEST_BASE_URL = 'https://openapi.test.udara360.io';
/** Udara360's live ("production") host. */
export const UDARA360_LIVE_BASE_URL = 'https://openapi.udara360.io';

export const UDARA360_CLIENT_ID_ENV = 'UDARA360_CLIENT_ID';
export const UDARA360_CLIENT_SECRET_ENV = 'UDARA360_CLIENT_SECRET';

export interface Udara360AdapterSettings extends CommonAdapterSettings {
  /** Falls back to the UDARA360_CLIENT_ID environment variable. */
  clientId?: string;
  /** Falls back to the UDARA360_CLIENT_SECRET environment variable. Never logged. */
  clientSecret?: string;
}

const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

// The authenticate body caps both credentials at 100 characters ([AUTH]).
const credentialSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters (Udara360 authenticate limit)')
  .refine(noControlCharacters, 'must not contain control characters');

// closureReason is free text of at most 150 characters ([CA]); user overrides must fit too.
const wireReasonSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(CLOSURE_REASON_MAX_LENGTH, `must be at most ${CLOSURE_REASON_MAX_LENGTH} characters (Udara360 limit)`)
  .refine(noControlCharacters, 'must not contain control characters')
  .refine((value) => value.trim() === value, 'must not start or end with whitespace');

export const udara360SettingsSchema = commonAdapterSettingsSchema
  .extend({
    clientId: credentialSchema.optional(),
    clientSecret: credentialSchema.optional(),
    reasonMap: z.partialRecord(z.enum(CLOSURE_REASONS), wireReasonSchema.nullable()).optional(),
  })
  // A misspelt setting (e.g. `clientSecrett`) must be reported, not dropped for the environment's value.
  .strict();
