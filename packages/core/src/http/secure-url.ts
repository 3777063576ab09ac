/** 127.0.0.0/8, ::1 and localhost: the only hosts credentials may reach over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '::ffff:127.0.0.1'
  );
}

/** Null when credentials may be sent to this URL, else the reason they may not. */
export function credentialUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not an absolute URL`;
  }
  if (parsed.username || parsed.password) return 'must not carry credentials in the URL';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return null;
  if (parsed.protocol === 'http:') return 'must use https (plain http is only allowed to loopback hosts)';
  return `must be an http(s) URL, not ${parsed.protocol}`;
}
