import type { Decision } from './engine/decision.js';
import type { ResponseBodyView, ResponseReplacement, ResponseView } from './guard.js';

/**
 * Runs the response-phase hooks of a decision against a response view. Adapters call this just
 * before headers are written. A hook that throws is skipped: the response still goes out.
 */
export function runResponseHooks(decision: Decision, response: ResponseView): void {
  for (const hook of decision.responseHooks) {
    try {
      hook(response);
    } catch {
      // A response hook must never turn a good response into a crash.
    }
  }
}

/** The largest `maxBytes` among a decision's body hooks: how much the adapter must buffer. */
export function responseBodyLimit(decision: Decision): number {
  let limit = 0;
  for (const hook of decision.responseBodyHooks) if (hook.maxBytes > limit) limit = hook.maxBytes;
  return limit;
}

/** A response view (the adapter's, live) with the body the adapter holds. */
class BodyView implements ResponseBodyView {
  readonly #response: Pick<ResponseView, 'status' | 'getHeader'>;
  readonly body: Uint8Array | undefined;

  constructor(response: Pick<ResponseView, 'status' | 'getHeader'>, body: Uint8Array | undefined) {
    this.#response = response;
    this.body = body;
  }

  get status(): number {
    return this.#response.status;
  }

  getHeader(name: string): string | undefined {
    return this.#response.getHeader(name);
  }
}

/**
 * Runs the response-body hooks of a decision on the body the adapter holds (`undefined`: a body it
 * could not hold, streamed or too large); the first replacement wins. Adapters call this once,
 * before the status line is written, with the same live view of their response that the header
 * hooks get. A hook that throws is skipped.
 */
export function runResponseBodyHooks(decision: Decision, view: Pick<ResponseView, 'status' | 'getHeader'>, body: Uint8Array | undefined): ResponseReplacement | undefined {
  const response = new BodyView(view, body);
  for (const hook of decision.responseBodyHooks) {
    if (body !== undefined && body.byteLength > hook.maxBytes) continue;
    try {
      const replacement = hook.inspect(response);
      if (replacement !== undefined) return replacement;
    } catch {
      // A response hook must never turn a good response into a crash.
    }
  }
  return undefined;
}

/**
 * Headers that describe the body (RFC 9110 §8: `Content-Type`, `-Length`, `-Encoding`, `-Range`,
 * `-Disposition`..., validators, framing); dropped when the body is replaced. `Content-Security-Policy`
 * starts alike but protects the response, whatever its body: it stays.
 */
export function isRepresentationHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('content-security-policy')) return false;
  return lower.startsWith('content-') || lower === 'etag' || lower === 'last-modified' || lower === 'transfer-encoding';
}
