/** Error codes that mean the request never reached the provider, so it is safe to send again. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

export interface NetworkFailure {
  /** True when the provider cannot have received the request. */
  notSent: boolean;
  /** The lowest-level error code found (ECONNRESET, ...), if any. */
  systemCode: string | null;
}

/** fetch wraps the socket error in `cause` (sometimes twice); find its code. */
export function classifyNetworkError(error: unknown): NetworkFailure {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_ARG_TYPE') {
      return { notSent: NOT_SENT_CODES.has(code), systemCode: code };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return { notSent: false, systemCode: null };
}
