/** Header names whose values are never shown anywhere. */
const SENSITIVE_HEADER_PATTERN =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|client-secret|x-client-secret|signature|.*-signature|.*token.*)$/i;

/** Field names whose values are never shown, wherever they appear in a payload. */
const SENSITIVE_FIELD_PATTERN =
  /^(access_?token|refresh_?token|id_?token|token|client_?secret|password|secret|authorization|api_?key|webhook_?secret)$/i;

/** Credentials in Authorization-header syntax, wherever they are echoed. */
const CREDENTIAL_PATTERN = /(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

export const REDACTED = '[REDACTED]';
const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  /** Replaces every known secret in a string. */
  text(value: string): string;
  /** A deep copy with known secrets and sensitive fields replaced. */
  value<T>(value: T): T;
  headers(headers: Headers | Record<string, string>): Record<string, string>;
}

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER_PATTERN.test(name);
}

/**
 * Builds a redactor over a live list of secrets (tokens rotate, so the list is read on every use).
 * Very short "secrets" are ignored so that redaction cannot shred ordinary text.
 */
export function createRedactor(secrets: () => readonly (string | null | undefined)[] = () => []): Redactor {
  // Every form of every secret, longest first. The list is read on each use (tokens rotate); the
  // forms are worked out again only when it changed.
  let formsOf: { secrets: readonly unknown[]; forms: readonly string[] } = { secrets: [], forms: [] };
  const forms = (): readonly string[] => {
    const current = secrets();
    if (!sameItems(current, formsOf.secrets)) {
      const usable = current.filter(
        (secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH,
      );
      const all = [...new Set(usable.flatMap(secretForms))].sort((a, b) => b.length - a.length);
      formsOf = { secrets: [...current], forms: all };
    }
    return formsOf.forms;
  };

  const redactText = (value: string, secretForms: readonly string[]): string => {
    let result = value;
    for (const form of secretForms) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    return result.replace(CREDENTIAL_PATTERN, `$1 ${REDACTED}`);
  };
  const text = (value: string): string => redactText(value, forms());

  const value = <T>(input: T): T => {
    const secretForms = forms();
    const seen = new WeakSet<object>();
    const walk = (node: unknown, key: string | null): unknown => {
      if (key !== null && SENSITIVE_FIELD_PATTERN.test(key) && node !== null && node !== undefined) {
        return REDACTED;
      }
      if (typeof node === 'string') return redactText(node, secretForms);
      if (typeof node !== 'object' || node === null) return node;
      if (seen.has(node)) return '[Circular]';
      seen.add(node);
      if (Array.isArray(node)) return node.map((item) => walk(item, null));
      const copy: Record<string, unknown> = {};
      for (const [childKey, child] of Object.entries(node)) copy[childKey] = walk(child, childKey);
      return copy;
    };
    return walk(input, null) as T;
  };

  const headers = (input: Headers | Record<string, string>): Record<string, string> => {
    const entries = input instanceof Headers ? [...input.entries()] : Object.entries(input);
    return Object.fromEntries(
      entries.map(([name, headerValue]) => [name, isSensitiveHeader(name) ? REDACTED : text(headerValue)]),
    );
  };

  return { text, value, headers };
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * The ways a secret can appear in text a provider echoes back: as is, base64 (Basic credentials),
 * escaped inside a JSON string, and percent- or form-encoded (a reflected form body or query).
 */
function secretForms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      Buffer.from(secret).toString('base64'),
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]),
  ];
}

/** A short, printable, redacted excerpt of a body for error details. */
export function excerpt(redactor: Redactor, body: string, maxLength = 300): string {
  // Redact before cutting: a secret straddling the cut would otherwise leak its first characters.
  const printable = redactor.text(body).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  return printable.length > maxLength ? `${printable.slice(0, maxLength)}…` : printable;
}
