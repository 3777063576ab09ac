export type BodyReadResult = { ok: true; text: string } | { ok: false; reason: 'too-large' };

/**
 * One decoder for every body. Decoding a whole buffer (never `stream: true`) keeps no state
 * between calls, so sharing it across concurrent reads is safe, and no decoder is built per response.
 */
const utf8 = new TextDecoder('utf-8');

/** Reads a response body as UTF-8, giving up (and cancelling the stream) past maxBytes. */
export async function readBodyCapped(response: Response, maxBytes: number): Promise<BodyReadResult> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too-large' };
  }
  if (response.body === null) return { ok: true, text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: 'too-large' };
    }
    chunks.push(value);
  }
  return { ok: true, text: utf8.decode(chunks.length === 1 ? chunks[0] : concat(chunks, received)) };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
