import {
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  defineGuard,
  describeValue,
  readArray,
  readBoolean,
  readCommonGuardOptions,
  readInteger,
  readObject,
  readString,
  type AllowOutcome,
  type CompileContext,
  type DenyOutcome,
  type FailureMode,
  type Guard,
  type GuardContext,
  type GuardDefinition,
  type GuardOutcome,
  type Identity,
  type Mode,
  type ParsedBody,
} from '@portcullis/core';
import { authDeny } from '../codes.js';
import { bodyUnavailableReporter, signedBodyBytes } from '../raw-body.js';
import { constantTimeEqual } from '../hash.js';
import { readSecret } from '../signed-request/secret.js';
import { webhookMac } from './sign-webhook.js';

export interface WebhookSignatureOptions {
  /** Default `webhook`. */
  readonly id?: string;
  readonly mode?: Mode;
  /** What a failing replay Store leads to. Default `deny` (503 `guard_unavailable`). */
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
  /**
   * Shared secrets (at least 16 bytes each); several during a rotation: any one may match.
   * `undefined` is accepted by the type so that `[process.env.WEBHOOK_SECRET]` compiles; an unset
   * variable is then refused when the policy is compiled, naming `secrets[0]`.
   */
  readonly secrets: readonly (string | Uint8Array | undefined)[];
  /** Header carrying the signature. Default `x-signature`. */
  readonly header?: string;
  /** What precedes the hex HMAC in the header. Default `sha256=`. */
  readonly prefix?: string;
  /** Header carrying the unix-seconds timestamp. Default `x-signature-timestamp`. `false`: HMAC over the body alone (GitHub style). */
  readonly timestampHeader?: string | false;
  /** Largest accepted |now − timestamp|, in seconds. Default 300. Only with a timestamp. */
  readonly toleranceSeconds?: number;
  /** Refuse a signature seen before (within twice the tolerance). Default true with a timestamp; not possible without one. */
  readonly replay?: boolean;
  /** `identity.clientId` of a verified delivery. Default `webhook`. */
  readonly clientId?: string;
}

type InvalidReason = 'malformed' | 'mismatch' | 'body-unverifiable';

const KEYS = ['secrets', 'header', 'prefix', 'timestampHeader', 'toleranceSeconds', 'replay', 'clientId', ...COMMON_GUARD_KEYS] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const HEX_MAC = /^[0-9a-fA-F]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
const MIN_SECRET_BYTES = 16;
const MAX_PREFIX_LENGTH = 32;
/** A webhook has no standard challenge; a 401 still carries one (RFC 9110 §11.6.1). */
const CHALLENGE: ReadonlyArray<readonly [string, string]> = Object.freeze([Object.freeze(['www-authenticate', 'HMAC-SHA256 realm="webhook"'] as const)]);

const MISSING = authDeny('credentials_missing', CHALLENGE, 'missing');
const AMBIGUOUS = authDeny('credentials_ambiguous', undefined, 'ambiguous');
const EXPIRED = authDeny('signature_expired', CHALLENGE, 'expired');
const REPLAYED = authDeny('signature_replayed', CHALLENGE, 'replayed');
const INVALID: Readonly<Record<InvalidReason, DenyOutcome>> = Object.freeze({
  malformed: authDeny('signature_invalid', CHALLENGE, 'malformed'),
  mismatch: authDeny('signature_invalid', CHALLENGE, 'mismatch'),
  'body-unverifiable': authDeny('signature_invalid', CHALLENGE, 'body-unverifiable'),
});

function readHeaderName(value: unknown, path: string, fallback: string): string {
  if (value === undefined) return fallback;
  const name = readString(value, path).toLowerCase();
  if (!HEADER_NAME.test(name)) throw new PolicyError(path, 'expected a header name');
  return name;
}

/**
 * A webhook signed with a shared secret: `<header>: sha256=<hex HMAC-SHA256>` over
 * `<timestamp>.<raw body>` (or the body alone with `timestampHeader: false`), within a time window
 * and once only. Runs in the body phase: the raw body is needed.
 */
export function webhookSignature(options: WebhookSignatureOptions): GuardDefinition {
  return defineGuard('webhook', (context: CompileContext) => {
    const { path } = context;
    const o = readObject(options, path, KEYS);
    const common = readCommonGuardOptions(o, path, { id: 'webhook', onError: 'deny' });
    const secretsPath = childPath(path, 'secrets');
    const secrets = readArray(o['secrets'], secretsPath, { nonEmpty: true }).map((s, i) => readSecret(s, childPath(secretsPath, i), MIN_SECRET_BYTES));
    const header = readHeaderName(o['header'], childPath(path, 'header'), 'x-signature');
    let prefix = 'sha256=';
    if (o['prefix'] !== undefined) {
      // An empty prefix is allowed (a bare hex signature), so not readString.
      if (typeof o['prefix'] !== 'string' || o['prefix'].length > MAX_PREFIX_LENGTH) {
        throw new PolicyError(childPath(path, 'prefix'), `expected a string of at most ${MAX_PREFIX_LENGTH} characters, got ${describeValue(o['prefix'])}`);
      }
      prefix = o['prefix'];
    }
    const timestampHeader = o['timestampHeader'] === false ? undefined : readHeaderName(o['timestampHeader'], childPath(path, 'timestampHeader'), 'x-signature-timestamp');
    if (timestampHeader === header) throw new PolicyError(childPath(path, 'timestampHeader'), 'must differ from `header`');
    if (timestampHeader === undefined && o['toleranceSeconds'] !== undefined) {
      throw new PolicyError(childPath(path, 'toleranceSeconds'), 'needs a timestamp: it cannot apply with `timestampHeader: false`');
    }
    if (timestampHeader === undefined && o['replay'] === true) {
      // Without a timestamp a delivery stays valid forever, so a finite memory of signatures
      // cannot refuse its replay: de-duplicate on the sender's delivery id in the application.
      throw new PolicyError(childPath(path, 'replay'), 'needs a timestamp: without one a signed delivery never expires, so replays cannot be refused (de-duplicate on the delivery id instead)');
    }
    const toleranceSeconds = o['toleranceSeconds'] === undefined ? 300 : readInteger(o['toleranceSeconds'], childPath(path, 'toleranceSeconds'), { min: 1, max: 86_400 });
    const replay = timestampHeader !== undefined && readBoolean(o['replay'], childPath(path, 'replay'), true);
    // A timestamp is accepted `tolerance` seconds either side of now (inclusive): remember a
    // signature for twice that, and one second more for the inclusive end.
    const replayTtlMs = 2 * toleranceSeconds * 1000 + 1000;
    const clientId = o['clientId'] === undefined ? 'webhook' : readString(o['clientId'], childPath(path, 'clientId'));
    const identity: Identity = Object.freeze({ method: 'webhook', clientId, scopes: Object.freeze([]), roles: Object.freeze([]), claims: Object.freeze({}) });
    const ALLOWED: AllowOutcome = Object.freeze({ outcome: 'allow' as const, identity });
    const id = common.id;

    const reportUnavailable = bodyUnavailableReporter((d) => context.report(d), id, 'register Portcullis before body parsers on the webhook route.');

    const verify = (body: ParsedBody, presented: Buffer, timestamp: string | undefined, guardContext: GuardContext): GuardOutcome | Promise<GuardOutcome> => {
      const bytes = signedBodyBytes(body);
      if (bytes === undefined) {
        reportUnavailable();
        return INVALID['body-unverifiable'];
      }
      // Every secret is tried, each compared in constant time, whichever matches.
      let matched = false;
      for (const secret of secrets) if (constantTimeEqual(webhookMac(secret, timestamp, bytes), presented)) matched = true;
      if (!matched) return INVALID.mismatch;
      if (timestamp === undefined) return ALLOWED;
      if (Math.abs(guardContext.now() / 1000 - Number(timestamp)) > toleranceSeconds) return EXPIRED;
      if (!replay) return ALLOWED;
      // A Store failure rejects: core applies onError, never a silent pass.
      return guardContext.store.setIfAbsent(`pc:webhook:${id}:${presented.toString('base64url')}`, '1', replayTtlMs).then((first) => (first ? ALLOWED : REPLAYED));
    };

    return Object.freeze<Guard>({
      ...common,
      kind: 'webhook',
      phase: 'body' as const,
      evaluate(request, guardContext) {
        const signatures = request.headers.getAll(header);
        const timestamps = timestampHeader === undefined ? [] : request.headers.getAll(timestampHeader);
        if (signatures.length > 1 || timestamps.length > 1) return AMBIGUOUS;
        if (signatures.length === 0) return MISSING;
        const value = (signatures[0] as string).trim();
        const hex = value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
        if (hex === undefined || !HEX_MAC.test(hex)) return INVALID.malformed;
        const timestamp = timestamps.length === 0 ? undefined : (timestamps[0] as string).trim();
        if (timestampHeader !== undefined && (timestamp === undefined || !TIMESTAMP.test(timestamp))) return INVALID.malformed;
        const presented = Buffer.from(hex, 'hex');
        return request.body().then((body) => verify(body, presented, timestamp, guardContext));
      },
    });
  });
}
