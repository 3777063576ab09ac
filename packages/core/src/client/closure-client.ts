import { errAsync, type ResultAsync } from 'neverthrow';
import type { Closure } from '../domain/closure';
import { ClosureError } from '../domain/closure-error';
import type { ClosureEvent } from '../domain/closure-event';
import type {
  CallOptions,
  CloseAccountRequest,
  ClosureAdapter,
  ClosurePage,
  ClosureRef,
  ListClosuresQuery,
  WebhookInput,
} from '../port/closure-adapter';

export interface ClosureClientSettings {
  /** The adapters this backend uses, one per provider name. */
  adapters: readonly ClosureAdapter[];
  /** Picks the provider for an account when a call names none (e.g. from your own records). */
  route?: (accountId: string) => string | null | undefined;
}

/** `provider` names the adapter; without it, `route(accountId)` decides. */
export type Routed<T> = T & { provider?: string };

export interface ClosureClient {
  readonly providers: readonly string[];
  adapter(provider: string): ClosureAdapter | undefined;
  closeAccount(
    request: Routed<CloseAccountRequest>,
    options?: CallOptions,
  ): ResultAsync<Closure, ClosureError>;
  getClosure(ref: Routed<ClosureRef>, options?: CallOptions): ResultAsync<Closure, ClosureError>;
  listClosures(
    query: Routed<ListClosuresQuery>,
    options?: CallOptions,
  ): ResultAsync<ClosurePage, ClosureError>;
  parseWebhook(input: WebhookInput & { provider: string }): ResultAsync<ClosureEvent, ClosureError>;
}

/** One facade over several adapters: the same five operations whatever the provider. */
export function createClosureClient(settings: ClosureClientSettings): ClosureClient {
  const byProvider = new Map<string, ClosureAdapter>();
  for (const adapter of settings.adapters ?? []) {
    if (byProvider.has(adapter.provider)) {
      throw new ClosureError({
        code: 'INVALID_REQUEST',
        message: `createClosureClient: two adapters are named "${adapter.provider}"`,
      });
    }
    byProvider.set(adapter.provider, adapter);
  }
  const providers = [...byProvider.keys()];

  const resolve = (provider: unknown, accountId: unknown): ClosureAdapter | ClosureError => {
    let name = typeof provider === 'string' ? provider : undefined;
    if (name === undefined && typeof accountId === 'string' && settings.route) {
      try {
        name = settings.route(accountId) ?? undefined;
      } catch (cause) {
        return new ClosureError({ code: 'INVALID_REQUEST', message: 'the route function threw', cause });
      }
    }
    if (name === undefined) {
      return new ClosureError({
        code: 'INVALID_REQUEST',
        message: `no provider given and none could be routed for this call; known providers: ${providers.join(', ') || 'none'}`,
      });
    }
    const adapter = byProvider.get(name);
    if (adapter) return adapter;
    return new ClosureError({
      code: 'INVALID_REQUEST',
      provider: name,
      message: `no adapter is registered for provider "${name}"; known providers: ${providers.join(', ') || 'none'}`,
    });
  };

  const notAnObject = (operation: string) =>
    new ClosureError({ code: 'INVALID_REQUEST', message: `${operation}: expected an object argument` });
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null;

  const withAdapter = <T>(
    provider: unknown,
    accountId: unknown,
    call: (adapter: ClosureAdapter) => ResultAsync<T, ClosureError>,
  ): ResultAsync<T, ClosureError> => {
    const adapter = resolve(provider, accountId);
    return ClosureError.isInstance(adapter) ? errAsync(adapter) : call(adapter);
  };

  return {
    providers,
    adapter: (provider) => byProvider.get(provider),
    closeAccount(input, options) {
      if (!isObject(input)) return errAsync(notAnObject('closeAccount'));
      const { provider, ...request } = input;
      return withAdapter(provider, request.accountId, (adapter) => adapter.closeAccount(request, options));
    },
    getClosure(input, options) {
      if (!isObject(input)) return errAsync(notAnObject('getClosure'));
      const { provider, ...ref } = input;
      return withAdapter(provider, ref.accountId, (adapter) => adapter.getClosure(ref, options));
    },
    listClosures(input, options) {
      if (!isObject(input)) return errAsync(notAnObject('listClosures'));
      const { provider, ...query } = input;
      return withAdapter(provider, query.accountId, (adapter) => adapter.listClosures(query, options));
    },
    parseWebhook(input) {
      if (!isObject(input)) return errAsync(notAnObject('parseWebhook'));
      const { provider, ...webhook } = input;
      return withAdapter(provider, undefined, (adapter) => adapter.parseWebhook(webhook));
    },
  };
}
