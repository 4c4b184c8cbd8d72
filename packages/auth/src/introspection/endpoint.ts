import { isPlainObject } from '@portcullis/core';
import type { IntrospectionFetch } from './options.js';

/** Why the endpoint gave no usable answer. Fixed strings: they reach diagnostics. */
export type IntrospectionErrorReason = 'network' | 'timeout' | 'status' | 'too-large' | 'invalid-json' | 'invalid-response' | 'circuit-open';

/**
 * The introspection endpoint could not say whether the token is active. Thrown out of the guard so
 * that core applies its `onError`. The message never holds the token, the client secret or any of
 * the response.
 */
export class IntrospectionError extends Error {
  override readonly name = 'IntrospectionError';
  readonly reason: IntrospectionErrorReason;
  /** The HTTP status, for `status`. */
  readonly status: number | undefined;

  constructor(reason: IntrospectionErrorReason, status?: number) {
    super(status === undefined ? `token introspection failed (${reason})` : `token introspection failed (HTTP ${status})`);
    this.reason = reason;
    this.status = status;
  }
}

/** A response larger than this is refused unread: an introspection answer is a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface IntrospectionEndpoint {
  /** The response object (RFC 7662 §2.2), `active` checked to be a boolean. Throws IntrospectionError. */
  introspect(token: string): Promise<Readonly<Record<string, unknown>>>;
}

export function createIntrospectionEndpoint(settings: {
  readonly url: URL;
  readonly authorization: string;
  readonly requestTimeoutMs: number;
  readonly fetch: IntrospectionFetch;
}): IntrospectionEndpoint {
  const href = settings.url.href;
  return {
    async introspect(token) {
      const signal = AbortSignal.timeout(settings.requestTimeoutMs);
      let response: Response;
      try {
        response = await settings.fetch(href, {
          method: 'POST',
          headers: {
            authorization: settings.authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams([['token', token], ['token_type_hint', 'access_token']]).toString(),
          // A redirect would repeat the POST, token included, to wherever it points.
          redirect: 'error',
          signal,
        });
      } catch {
        // The cause is dropped on purpose: whatever it says is about this request, not for logs.
        throw new IntrospectionError(signal.aborted ? 'timeout' : 'network');
      }
      if (response.status !== 200) {
        await discard(response);
        throw new IntrospectionError('status', response.status);
      }
      const bytes = await readCapped(response, signal);
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch {
        throw new IntrospectionError('invalid-json');
      }
      if (!isPlainObject(parsed) || typeof parsed['active'] !== 'boolean') throw new IntrospectionError('invalid-response');
      return parsed;
    },
  };
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to do: the body is not wanted.
  }
}

/** Reads the body up to MAX_RESPONSE_BYTES (declared or actual), under the request's time bound. */
async function readCapped(response: Response, signal: AbortSignal): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_RESPONSE_BYTES) {
    await discard(response);
    throw new IntrospectionError('too-large');
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw new IntrospectionError('too-large');
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof IntrospectionError) throw error;
    throw new IntrospectionError(signal.aborted ? 'timeout' : 'network');
  }
  return Buffer.concat(chunks, size);
}
