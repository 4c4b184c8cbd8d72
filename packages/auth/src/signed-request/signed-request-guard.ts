import {
  ALLOW,
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  defineGuard,
  readArray,
  readBoolean,
  readCommonGuardOptions,
  readEnum,
  readInteger,
  readObject,
  readString,
  readStringArray,
  type AllowOutcome,
  type CompileContext,
  type DenyOutcome,
  type FailureMode,
  type FirewallRequest,
  type Guard,
  type GuardContext,
  type GuardDefinition,
  type GuardOutcome,
  type Identity,
  type Mode,
  type ParsedBody,
  type PolicyPath,
} from '@portcullis/core';
import { authDeny } from '../codes.js';
import { bodyUnavailableReporter, signedBodyBytes } from '../raw-body.js';
import { constantTimeEqual, hmac } from '../hash.js';
import { HEADER_NAME, KEY_ID, readSignatureAuthorization, type SignatureParams } from './authorization-header.js';
import { SCHEMES, headerLine, stringToSign, type SignatureAlgorithm } from './canonical.js';
import { digestOf, parseContentDigest, type ContentDigest } from './content-digest.js';
import { readSecret } from './secret.js';

export interface SignedRequestKey {
  /** The key id clients put in `keyId`: 1-64 characters of [A-Za-z0-9._~-]. */
  readonly id: string;
  /**
   * The shared secret: at least 32 bytes (a string counts its UTF-8 bytes). `undefined` is
   * accepted by the type so that `process.env.X` compiles; it is refused when the policy compiles.
   */
  readonly secret: string | Uint8Array | undefined;
  /** Default: the key id. */
  readonly clientId?: string;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
}

export interface SignedRequestOptions {
  /** Default `signed-request`; the body-digest guard is `<id>:body`. */
  readonly id?: string;
  readonly mode?: Mode;
  /** What a failing nonce Store leads to. Default `deny` (503 `guard_unavailable`). */
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
  /** When true, an unsigned request passes without identity (a bad signature is still refused). */
  readonly optional?: boolean;
  /** Several keys (by id) for rotation. */
  readonly keys: readonly SignedRequestKey[];
  /** Default `sha256` (scheme `PC-HMAC-SHA256`); `sha512` is `PC-HMAC-SHA512`. */
  readonly algorithm?: SignatureAlgorithm;
  /** Headers every request must sign. Default `['host']`. */
  readonly signedHeaders?: readonly string[];
  /** Largest accepted |now − timestamp|, in seconds. Default 300. */
  readonly windowSeconds?: number;
  /** How long a nonce is remembered, in seconds: at least twice the window. Default 2 × window. */
  readonly nonceTtlSeconds?: number;
}

type InvalidReason = 'malformed' | 'unknown-key' | 'mismatch' | 'header-not-signed' | 'digest-mismatch' | 'body-unverifiable';

interface CompiledKey {
  readonly secret: Buffer;
  readonly allow: AllowOutcome;
}

/** What the identity stage learned about a verified request, for the body stage. */
interface SignedBody {
  /** The signed Content-Digest, or undefined when the request signed none (then it must have no body). */
  readonly digests: readonly ContentDigest[] | undefined;
}

const KEYS = ['optional', 'keys', 'algorithm', 'signedHeaders', 'windowSeconds', 'nonceTtlSeconds', ...COMMON_GUARD_KEYS] as const;
const KEY_FIELDS = ['id', 'secret', 'clientId', 'scopes', 'roles'] as const;
const MIN_SECRET_BYTES = 32;
const WEEK_SECONDS = 7 * 86_400;

function compileKeys(value: unknown, path: PolicyPath): ReadonlyMap<string, CompiledKey> {
  const keys = new Map<string, CompiledKey>();
  readArray(value, path, { nonEmpty: true }).forEach((entry, index) => {
    const entryPath = childPath(path, index);
    const k = readObject(entry, entryPath, KEY_FIELDS);
    const id = readString(k['id'], childPath(entryPath, 'id'));
    if (!KEY_ID.test(id)) throw new PolicyError(childPath(entryPath, 'id'), 'expected 1-64 characters of [A-Za-z0-9._~-]');
    if (keys.has(id)) throw new PolicyError(childPath(entryPath, 'id'), `the key id "${id}" is listed twice`);
    const secret = readSecret(k['secret'], childPath(entryPath, 'secret'), MIN_SECRET_BYTES);
    const clientId = k['clientId'] === undefined ? id : readString(k['clientId'], childPath(entryPath, 'clientId'));
    const scopes = k['scopes'] === undefined ? [] : readStringArray(k['scopes'], childPath(entryPath, 'scopes'));
    const roles = k['roles'] === undefined ? [] : readStringArray(k['roles'], childPath(entryPath, 'roles'));
    const identity: Identity = Object.freeze({ method: 'hmac', clientId, scopes: Object.freeze(scopes), roles: Object.freeze(roles), claims: Object.freeze({ keyId: id }) });
    keys.set(id, { secret, allow: Object.freeze({ outcome: 'allow' as const, identity }) });
  });
  return keys;
}

function readRequiredHeaders(value: unknown, path: PolicyPath): readonly string[] {
  if (value === undefined) return ['host'];
  const names = readStringArray(value, path).map((name) => name.toLowerCase());
  names.forEach((name, i) => {
    const p = childPath(path, i);
    if (!HEADER_NAME.test(name)) throw new PolicyError(p, 'expected a header name');
    if (name === 'authorization') throw new PolicyError(p, 'the Authorization header carries the signature and cannot be signed');
    if (names.indexOf(name) !== i) throw new PolicyError(p, `lists "${name}" twice`);
  });
  return names;
}

/** A body is announced by a non-zero Content-Length or any Transfer-Encoding (RFC 9112 §6.3). */
function announcesBody(request: FirewallRequest): boolean {
  if (request.headers.has('transfer-encoding')) return true;
  const length = request.contentLength;
  // An unreadable Content-Length is treated as announcing a body: fail closed.
  return length === undefined ? request.headers.has('content-length') : length > 0;
}

/**
 * HMAC-signed requests with a timestamp window and single-use nonces
 * (docs/auth/signed-requests.md). Compiles to two guards: `<id>` verifies the signature before the
 * body is read (identity phase), `<id>:body` checks the body against the signed Content-Digest.
 */
export function signedRequest(options: SignedRequestOptions): GuardDefinition {
  return defineGuard('signed-request', (context: CompileContext) => {
    const { path } = context;
    const o = readObject(options, path, KEYS);
    const common = readCommonGuardOptions(o, path, { id: 'signed-request', onError: 'deny' });
    const optional = readBoolean(o['optional'], childPath(path, 'optional'), false);
    const keys = compileKeys(o['keys'], childPath(path, 'keys'));
    const algorithm = readEnum<SignatureAlgorithm>(o['algorithm'], childPath(path, 'algorithm'), ['sha256', 'sha512'], 'sha256');
    const requiredHeaders = readRequiredHeaders(o['signedHeaders'], childPath(path, 'signedHeaders'));
    const windowSeconds = o['windowSeconds'] === undefined ? 300 : readInteger(o['windowSeconds'], childPath(path, 'windowSeconds'), { min: 1, max: 86_400 });
    const nonceTtlSeconds = o['nonceTtlSeconds'] === undefined ? 2 * windowSeconds : readInteger(o['nonceTtlSeconds'], childPath(path, 'nonceTtlSeconds'), { min: 1, max: WEEK_SECONDS });
    if (nonceTtlSeconds < 2 * windowSeconds) {
      // A timestamp is accepted for `window` seconds either side of now, so a nonce must be
      // remembered for twice the window, or the same request could be replayed inside it.
      throw new PolicyError(childPath(path, 'nonceTtlSeconds'), `must be at least twice windowSeconds (${2 * windowSeconds}), or a request could be replayed inside its window`);
    }
    // One second more: the window is inclusive at both ends, so a nonce first seen at the start of
    // its window must still be remembered at the very end, 2 × window later.
    const nonceTtlMs = nonceTtlSeconds * 1000 + 1000;
    const id = common.id;
    const bodyId = `${id}:body`;

    const challenge: ReadonlyArray<readonly [string, string]> = Object.freeze([Object.freeze(['www-authenticate', SCHEMES[algorithm]] as const)]);
    const MISSING = authDeny('credentials_missing', challenge, 'missing');
    const AMBIGUOUS = authDeny('credentials_ambiguous', undefined, 'ambiguous');
    const EXPIRED = authDeny('signature_expired', challenge, 'expired');
    const REPLAYED = authDeny('signature_replayed', challenge, 'replayed');
    const invalid = (reason: InvalidReason): DenyOutcome => authDeny('signature_invalid', challenge, reason);
    const INVALID: Readonly<Record<InvalidReason, DenyOutcome>> = Object.freeze({
      malformed: invalid('malformed'),
      'unknown-key': invalid('unknown-key'),
      mismatch: invalid('mismatch'),
      'header-not-signed': invalid('header-not-signed'),
      'digest-mismatch': invalid('digest-mismatch'),
      'body-unverifiable': invalid('body-unverifiable'),
    });

    // Hands "this request was signed, with this digest" from the identity stage to the body stage.
    // Keyed by the request object, so an entry goes away with its request.
    const signed = new WeakMap<FirewallRequest, SignedBody>();
    const reportUnavailable = bodyUnavailableReporter((d) => context.report(d), bodyId, 'register Portcullis before body parsers and sign JSON, form or text bodies.');

    /** Synchronous up to the nonce check: a bad signature costs no Store round trip. */
    const verify = (request: FirewallRequest, params: SignatureParams, guardContext: GuardContext): GuardOutcome | Promise<GuardOutcome> => {
      if (params.algorithm !== algorithm) return INVALID.malformed;
      const key = keys.get(params.keyId);
      if (key === undefined) return INVALID['unknown-key'];
      for (const name of requiredHeaders) if (!params.headers.includes(name)) return INVALID['header-not-signed'];
      const digestSigned = params.headers.includes('content-digest');
      if (!digestSigned && announcesBody(request)) return INVALID['header-not-signed'];
      const headerLines: string[] = [];
      for (const name of params.headers) {
        const values = request.headers.getAll(name);
        // A signed header that did not arrive: the signer and this request disagree. One that came
        // twice is refused too: `x: 1` + `x: 2` would sign like one `x: 1, 2`.
        if (values.length !== 1) return INVALID.malformed;
        headerLines.push(headerLine(name, values));
      }
      let digests: readonly ContentDigest[] | undefined;
      if (digestSigned) {
        digests = parseContentDigest(request.headers.get('content-digest') as string);
        if (digests === undefined) return INVALID.malformed;
      }
      const text = stringToSign({
        algorithm,
        method: request.method,
        rawPath: request.rawPath,
        rawQuery: request.rawQuery,
        timestamp: params.timestamp,
        nonce: params.nonce,
        headerLines,
      });
      if (!constantTimeEqual(hmac(algorithm, key.secret, text), Buffer.from(params.signature, 'base64url'))) return INVALID.mismatch;
      // The window is checked after the signature: a forged request is `signature_invalid`
      // whatever its timestamp, and only a genuine one can be expired or replayed (so a forger
      // cannot use up nonces either).
      if (Math.abs(guardContext.now() / 1000 - Number(params.timestamp)) > windowSeconds) return EXPIRED;
      // A Store failure rejects: core applies onError (deny: 503), never a silent pass.
      return guardContext.store.setIfAbsent(`pc:nonce:${id}:${params.keyId}:${params.nonce}`, '1', nonceTtlMs).then((first) => {
        if (!first) return REPLAYED;
        signed.set(request, { digests });
        return key.allow;
      });
    };

    /** The body stage: the bytes that arrived must be the bytes that were signed. */
    const checkBody = (body: ParsedBody, digests: readonly ContentDigest[] | undefined): GuardOutcome => {
      const bytes = signedBodyBytes(body);
      if (bytes === undefined) {
        // `framework` (a parser ran first) or `unread` (a media type Portcullis does not read):
        // there are no raw bytes to hash. Without a signed digest, a body came unsigned.
        if (digests === undefined) return INVALID['header-not-signed'];
        reportUnavailable();
        return INVALID['body-unverifiable'];
      }
      if (digests === undefined) return bytes.byteLength === 0 ? ALLOW : INVALID['header-not-signed'];
      for (const expected of digests) {
        if (!constantTimeEqual(digestOf(expected.algorithm, bytes), expected.digest)) return INVALID['digest-mismatch'];
      }
      return ALLOW;
    };

    const identityGuard = Object.freeze<Guard>({
      ...common,
      kind: 'signed-request',
      phase: 'identity' as const,
      evaluate(request, guardContext) {
        const values = request.headers.getAll('authorization');
        if (values.length > 1) return AMBIGUOUS;
        const read = values.length === 0 ? undefined : readSignatureAuthorization(values[0] as string);
        // No Authorization, or another scheme (a bearer token for another identity guard).
        if (read === undefined || read.kind === 'other') return optional || guardContext.identity !== undefined ? ALLOW : MISSING;
        if (read.kind === 'malformed') return INVALID.malformed;
        return verify(request, read.params, guardContext);
      },
    });

    const bodyGuard = Object.freeze<Guard>({
      ...common,
      id: bodyId,
      kind: 'signed-request',
      phase: 'body' as const,
      evaluate(request) {
        const entry = signed.get(request);
        if (entry === undefined) return ALLOW;
        signed.delete(request);
        return request.body().then((body) => checkBody(body, entry.digests));
      },
    });

    return [identityGuard, bodyGuard];
  });
}
