import { randomBytes } from 'node:crypto';
import { hmac } from '../hash.js';
import { HEADER_NAME, KEY_ID, MAX_SIGNED_HEADERS } from './authorization-header.js';
import { SCHEMES, headerLine, stringToSign, type SignatureAlgorithm } from './canonical.js';
import { formatContentDigest } from './content-digest.js';

export interface SignRequestInput {
  readonly keyId: string;
  /** At least 32 bytes, as for the verifying guard. */
  readonly secret: string | Uint8Array;
  /** Default `sha256`. */
  readonly algorithm?: SignatureAlgorithm;
  readonly method: string;
  /** The request-target exactly as it will be sent: `/path?query` (origin-form). */
  readonly target: string;
  /** The headers that will be sent (single values); must include `host`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes exactly as they will be sent (a string is sent as UTF-8). */
  readonly body?: string | Uint8Array;
  /** Unix seconds. Default: now. */
  readonly timestamp?: number;
  /** 16-128 characters of [A-Za-z0-9_-]. Default: 24 random characters. */
  readonly nonce?: string;
  /**
   * Headers to sign, in order. Default: every header in `headers` (but `authorization`). With a body, `content-digest`
   * is added (and signed) whether listed or not.
   */
  readonly signedHeaders?: readonly string[];
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const MIN_SECRET_BYTES = 32;

/**
 * Signs a request for a `signedRequest` guard: returns the headers to add, `authorization` and,
 * when there is a body, `content-digest`. Throws a TypeError on bad input (never showing the secret).
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const algorithm = input.algorithm ?? 'sha256';
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new TypeError("signRequest: algorithm must be 'sha256' or 'sha512'");
  if (!KEY_ID.test(input.keyId)) throw new TypeError('signRequest: keyId must be 1-64 characters of [A-Za-z0-9._~-]');
  const secret = typeof input.secret === 'string' ? Buffer.from(input.secret, 'utf8') : input.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength < MIN_SECRET_BYTES) throw new TypeError(`signRequest: the secret must have at least ${MIN_SECRET_BYTES} bytes`);
  if (!input.target.startsWith('/')) throw new TypeError('signRequest: target must be the origin-form request-target (/path?query)');
  const q = input.target.indexOf('?');
  const rawPath = q === -1 ? input.target : input.target.slice(0, q);
  const rawQuery = q === -1 ? '' : input.target.slice(q + 1);
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError('signRequest: timestamp must be whole unix seconds');
  const nonce = input.nonce ?? randomBytes(18).toString('base64url');
  if (!NONCE.test(nonce)) throw new TypeError('signRequest: nonce must be 16-128 characters of [A-Za-z0-9_-]');

  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) headers.set(name.toLowerCase(), value);
  if (!headers.has('host')) throw new TypeError('signRequest: headers must include host');
  const added: Record<string, string> = {};
  const body = input.body === undefined ? undefined : typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const names = (input.signedHeaders ?? [...headers.keys()].filter((n) => n !== 'authorization')).map((n) => n.toLowerCase()).filter((n) => n !== 'content-digest');
  if (body !== undefined) {
    added['content-digest'] = formatContentDigest(body);
    headers.set('content-digest', added['content-digest']);
    names.push('content-digest');
  }
  if (names.length > MAX_SIGNED_HEADERS) throw new TypeError(`signRequest: at most ${MAX_SIGNED_HEADERS} headers can be signed`);
  const headerLines = names.map((name) => {
    const value = headers.get(name);
    if (!HEADER_NAME.test(name) || name === 'authorization') throw new TypeError(`signRequest: cannot sign the header ${JSON.stringify(name)}`);
    if (value === undefined) throw new TypeError(`signRequest: signed header ${JSON.stringify(name)} is not in headers`);
    return headerLine(name, [value]);
  });
  if (new Set(names).size !== names.length) throw new TypeError('signRequest: signedHeaders lists a header twice');

  const text = stringToSign({ algorithm, method: input.method, rawPath, rawQuery, timestamp: String(timestamp), nonce, headerLines });
  const signature = hmac(algorithm, secret, text).toString('base64url');
  added['authorization'] = `${SCHEMES[algorithm]} keyId="${input.keyId}", timestamp="${timestamp}", nonce="${nonce}", headers="${names.join(';')}", signature="${signature}"`;
  return added;
}
