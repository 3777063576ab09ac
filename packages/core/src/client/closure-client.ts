import { err, ok, type Result, ResultAsync } from 'neverthrow';
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

/** The provider names of a list of adapters, as a union of their literal names. */
export type ProviderName<A extends readonly ClosureAdapter[]> = A[number]['provider'];

/** What `route` answers: a provider name, or nothing when it cannot tell. */
export type RouteAnswer<P extends string> = P | null | undefined;

export interface ClosureClientSettings<A extends readonly ClosureAdapter[] = readonly ClosureAdapter[]> {
  /** The adapters this backend uses, one per provider name. */
  adapters: A;
  /**
   * Picks the provider for an account when a call names none, e.g. from your own records. May be
   * async (a database lookup); a throw or a rejection is answered INVALID_REQUEST.
   */
  route?: (accountId: string) => RouteAnswer<ProviderName<A>> | PromiseLike<RouteAnswer<ProviderName<A>>>;
}

/** `provider` names the adapter; without it, `route(accountId)` decides. */
export type Routed<T, P extends string = string> = T & { provider?: P };

export interface ClosureClient<P extends string = string> {
  /** The registered provider names, in the order the adapters were given. */
  readonly providers: readonly P[];
  /** The adapter registered under a name, to reach its own settings or capabilities. */
  adapter(provider: P): ClosureAdapter<P> | undefined;
  closeAccount(
    request: Routed<CloseAccountRequest, P>,
    options?: CallOptions,
  ): ResultAsync<Closure, ClosureError>;
  getClosure(ref: Routed<ClosureRef, P>, options?: CallOptions): ResultAsync<Closure, ClosureError>;
  listClosures(
    query: Routed<ListClosuresQuery, P>,
    options?: CallOptions,
  ): ResultAsync<ClosurePage, ClosureError>;
  parseWebhook(input: WebhookInput & { provider: P }): ResultAsync<ClosureEvent, ClosureError>;
}

const invalid = (message: string, extra: { provider?: string; cause?: unknown } = {}) =>
  new ClosureError({ code: 'INVALID_REQUEST', message, ...extra });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * One facade over several adapters: the same operations whatever the provider. Throws only when
 * two adapters share a name (a programmer error, found at start-up).
 */
export function createClosureClient<const A extends readonly ClosureAdapter[]>(
  settings: ClosureClientSettings<A>,
): ClosureClient<ProviderName<A>> {
  type P = ProviderName<A>;
  const byProvider = new Map<string, ClosureAdapter>();
  for (const adapter of settings.adapters ?? []) {
    if (byProvider.has(adapter.provider)) {
      throw invalid(`createClosureClient: two adapters are named "${adapter.provider}"`);
    }
    byProvider.set(adapter.provider, adapter);
  }
  const providers = [...byProvider.keys()] as P[];
  const known = () => providers.join(', ') || 'none';

  const routeOf = async (accountId: unknown): Promise<Result<string | undefined, ClosureError>> => {
    if (typeof accountId !== 'string' || !settings.route) return ok(undefined);
    try {
      return ok((await settings.route(accountId)) ?? undefined);
    } catch (cause) {
      return err(invalid('the route function failed', { cause }));
    }
  };

  const resolve = async (
    provider: unknown,
    accountId: unknown,
  ): Promise<Result<ClosureAdapter, ClosureError>> => {
    let name = typeof provider === 'string' ? provider : undefined;
    if (name === undefined) {
      const routed = await routeOf(accountId);
      if (routed.isErr()) return err(routed.error);
      name = routed.value;
    }
    if (name === undefined) {
      return err(
        invalid(`no provider given and none could be routed for this call; known providers: ${known()}`),
      );
    }
    const adapter = byProvider.get(name);
    return adapter
      ? ok(adapter)
      : err(
          invalid(`no adapter is registered for provider "${name}"; known providers: ${known()}`, {
            provider: name,
          }),
        );
  };

  /** One call: check the argument, find the adapter, hand the rest of the argument to it. */
  const dispatch = <T>(
    operation: string,
    input: unknown,
    call: (adapter: ClosureAdapter, rest: Record<string, unknown>) => ResultAsync<T, ClosureError>,
  ): ResultAsync<T, ClosureError> => {
    const run = async (): Promise<Result<T, ClosureError>> => {
      if (!isObject(input)) return err(invalid(`${operation}: expected an object argument`));
      const { provider, ...rest } = input;
      const adapter = await resolve(provider, operation === 'parseWebhook' ? undefined : rest.accountId);
      if (adapter.isErr()) return err(adapter.error);
      return call(adapter.value, rest);
    };
    return new ResultAsync(run());
  };

  return {
    providers,
    adapter: (provider) => byProvider.get(provider) as ClosureAdapter<P> | undefined,
    closeAccount: (request, options) =>
      dispatch('closeAccount', request, (adapter, rest) =>
        adapter.closeAccount(rest as unknown as CloseAccountRequest, options),
      ),
    getClosure: (ref, options) =>
      dispatch('getClosure', ref, (adapter, rest) => adapter.getClosure(rest as ClosureRef, options)),
    listClosures: (query, options) =>
      dispatch('listClosures', query, (adapter, rest) =>
        adapter.listClosures(rest as ListClosuresQuery, options),
      ),
    parseWebhook: (input) =>
      dispatch('parseWebhook', input, (adapter, rest) =>
        adapter.parseWebhook(rest as unknown as WebhookInput),
      ),
  };
}
