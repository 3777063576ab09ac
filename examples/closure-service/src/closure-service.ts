import type { BulkEngine } from '@closekit/bulk';
import {
  type Closure,
  type ClosureClient,
  type ClosureError,
  type ClosureEvent,
  shouldAcknowledgeWebhook,
} from '@closekit/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { HTTP_STATUS_FOR_ERROR } from './http-status-for-error';
import { openServiceStore, type ServiceStore } from './service-store';

export interface ClosureServiceOptions {
  client: ClosureClient;
  /** Providers that get a webhook route: POST /webhooks/<provider>. */
  webhookProviders: readonly string[];
  /** Your business logic for a verified, new event. Runs after the provider got its 200. */
  onEvent?: (event: ClosureEvent) => Promise<void> | void;
  /**
   * The service's database: accepted webhook event ids and closure records
   * (`openServiceStore(path)`). Default: an in-memory SQLite database, forgotten on restart.
   */
  store?: ServiceStore;
  /**
   * A bulk run to feed: every verified event also goes to `bulk.feedEvent` (de-duplicated by
   * the run itself), so the run's accounts reach their final state without polling.
   */
  bulk?: Pick<BulkEngine, 'feedEvent'>;
  /** Called when onEvent fails; default: console.error. */
  onEventError?: (error: unknown, event: ClosureEvent) => void;
  /**
   * Where the service logs what it refused (forged webhooks...): one line and a few safe fields,
   * never headers, bodies or secrets. Default: console.warn.
   */
  log?: (message: string, fields: Record<string, string | number | null>) => void;
}

/** The body POST /closures takes; closekit validates the values, this checks the shape first. */
const CLOSE_BODY_FIELDS = ['provider', 'accountId', 'reason', 'idempotencyKey'] as const;

/** A 400 naming what is wrong with the request, in the same shape as closekit's errors. */
function badRequest(response: Response, message: string, field: string | null) {
  response.status(400).json({ error: { code: 'INVALID_REQUEST', message, field } });
}

/** The first problem with a POST /closures body, naming the field, or null. */
function closeBodyProblem(body: unknown): { message: string; field: string | null } | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      message: 'the body must be a JSON object: { provider?, accountId, reason, idempotencyKey? }',
      field: null,
    };
  const record = body as Record<string, unknown>;
  const unknownField = Object.keys(record).find(
    (key) => !(CLOSE_BODY_FIELDS as readonly string[]).includes(key),
  );
  if (unknownField) return { message: `unknown field "${unknownField}"`, field: unknownField };
  for (const field of ['accountId', 'reason'] as const)
    if (typeof record[field] !== 'string' || record[field] === '')
      return { message: `${field} is required and must be a non-empty string`, field };
  for (const field of ['provider', 'idempotencyKey'] as const)
    if (record[field] !== undefined && typeof record[field] !== 'string')
      return { message: `${field} must be a string`, field };
  return null;
}

function sendError(response: Response, error: ClosureError) {
  response.status(HTTP_STATUS_FOR_ERROR[error.code]).json({ error: error.toJSON() });
}

/** A closure service a fintech could start from. See examples/closure-service/README.md. */
export function createClosureService(options: ClosureServiceOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const store = options.store ?? openServiceStore(':memory:');
  const onEventError =
    options.onEventError ?? ((error: unknown) => console.error('closure event handler failed', error));

  const log =
    options.log ?? ((message: string, fields: Record<string, unknown>) => console.warn(message, fields));

  /** Keeps the service's record of a closure; the caller gets its answer even if the disk fails. */
  const remember = (closure: Closure) => {
    try {
      store.saveClosure(closure);
    } catch (error) {
      log('could not record a closure', { provider: closure.provider, reason: String(error) });
    }
  };

  // The unified call: { provider?, accountId, reason, idempotencyKey? }. closekit validates the values.
  app.post('/closures', express.json({ limit: '16kb' }), async (request: Request, response: Response) => {
    const problem = closeBodyProblem(request.body);
    if (problem) return badRequest(response, problem.message, problem.field);
    const result = await options.client.closeAccount(request.body);
    if (result.isErr()) return sendError(response, result.error);
    remember(result.value);
    response.status(result.value.created === false ? 200 : 201).json({ closure: result.value });
  });

  app.get('/closures/:provider/:closureId', async (request: Request, response: Response) => {
    const { provider, closureId } = request.params as { provider: string; closureId: string };
    const result = await options.client.getClosure({ provider, closureId });
    if (result.isErr()) return sendError(response, result.error);
    remember(result.value);
    response.json({ closure: result.value });
  });

  app.get('/closures/:provider', async (request: Request, response: Response) => {
    const accountId = request.query.accountId;
    if (typeof accountId !== 'string' || accountId === '')
      return badRequest(response, 'the query parameter accountId is required', 'accountId');
    const result = await options.client.getClosure({ provider: String(request.params.provider), accountId });
    if (result.isErr()) return sendError(response, result.error);
    remember(result.value);
    response.json({ closure: result.value });
  });

  // Webhooks must be verified against the exact bytes received: raw body, no JSON parsing first.
  for (const provider of options.webhookProviders) {
    app.post(
      `/webhooks/${provider}`,
      express.raw({ type: () => true, limit: '256kb' }),
      async (request: Request, response: Response) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await options.client.parseWebhook({ provider, rawBody, headers: request.headers });
        if (result.isErr()) {
          // A subscription ping or an event about something else: acknowledge, process nothing.
          if (shouldAcknowledgeWebhook(result.error))
            return void response.status(200).json({ received: true, ignored: true });
          // What was refused and from where; never the headers or body (they carry the signature).
          log('refused a webhook delivery', {
            provider,
            code: result.error.code,
            reason: result.error.message,
            remoteAddress: request.ip ?? null,
            bytes: rawBody.length,
          });
          return void response
            .status(HTTP_STATUS_FOR_ERROR[result.error.code])
            .json({ error: { code: result.error.code } });
        }
        const event = result.value;
        // A 503 makes the provider deliver again (Solaris retries anything but 2xx, 410 and 422 for
        // up to 5 days, providers/solaris.md section 8; EP publishes no retry policy, section 7).
        const retryLater = (what: string, reason: string) => {
          log(what, { provider, eventId: event.eventId, reason });
          response.status(503).json({ error: { code: 'STORE_UNAVAILABLE' } });
        };
        // The bulk run first, every time (it de-duplicates by eventId itself): the service marks an
        // event seen only once the run has it, so a redelivery completes whichever write failed.
        if (options.bulk) {
          const fed = await options.bulk.feedEvent(event);
          if (fed.isErr())
            return retryLater('could not feed a webhook event to the bulk run', fed.error.message);
        }
        let isNew: boolean;
        try {
          isNew = store.acceptEvent(event);
        } catch (error) {
          return retryLater('could not record a webhook event', String(error));
        }
        // Acknowledge fast: providers retry anything that is not a quick 2xx.
        response.status(200).json({ received: true, duplicate: !isNew });
        // The event id and closure record are on disk; onEvent runs once, after the answer.
        if (isNew && options.onEvent) {
          setImmediate(() => {
            Promise.resolve()
              .then(() => options.onEvent?.(event))
              .catch((error: unknown) => onEventError(error, event));
          });
        }
      },
    );
  }

  // Unknown routes answer JSON like every other route, not Express's HTML page.
  app.use((request: Request, response: Response) => {
    response.status(404).json({
      error: { code: 'NOT_FOUND', message: `no route for ${request.method} ${request.path}` },
    });
  });

  // Malformed JSON and oversized bodies end here as typed errors, never as stack traces.
  app.use(
    (
      error: Error & { status?: number; type?: string },
      _request: Request,
      response: Response,
      _next: NextFunction,
    ) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      response.status(status).json({
        error: {
          code: status === 500 ? 'INTERNAL' : 'INVALID_REQUEST',
          message: error.type ?? 'bad request',
        },
      });
    },
  );

  return app;
}

/** The start scripts' `onEvent`: one line per new, verified closure event. */
export function logClosureEvent(event: ClosureEvent): void {
  console.log(
    'closure event',
    event.provider,
    event.type,
    event.accountId,
    event.closure?.state.unified ?? '',
  );
}
