import type { Diagnostic, ParsedBody } from '@portcullis/core';

const EMPTY = new Uint8Array(0);

/**
 * The bytes a signature covers: the raw body Portcullis read. `undefined` when there are none to
 * hash — a framework parser ran before Portcullis (`framework`), or the media type is one Portcullis
 * does not read (`unread`) — and the signature therefore cannot be checked.
 */
export function signedBodyBytes(body: ParsedBody): Uint8Array | undefined {
  switch (body.kind) {
    case 'none':
      return EMPTY;
    case 'json':
    case 'form':
    case 'text':
      return body.raw;
    default:
      return undefined;
  }
}

/**
 * Reports, once per guard, that a signed body could not be checked (a framework parser ran before
 * Portcullis, or the media type is one it does not read): a misconfiguration the operator must fix.
 */
export function bodyUnavailableReporter(report: (diagnostic: Diagnostic) => void, guard: string, advice: string): () => void {
  let reported = false;
  return () => {
    if (reported) return;
    reported = true;
    report({
      code: 'PC_SIGNATURE_BODY_UNAVAILABLE',
      severity: 'error',
      guard,
      message: `a signed body could not be checked: its raw bytes were not available (a framework body parser ran before Portcullis, or the media type is not one Portcullis reads). Such requests are refused; ${advice}`,
    });
  };
}
