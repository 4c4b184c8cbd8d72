import type { ParsedBody } from '@portcullis/core';

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
