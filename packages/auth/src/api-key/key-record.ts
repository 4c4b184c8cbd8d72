import {
  PolicyError,
  childPath,
  isPlainObject,
  readBoolean,
  readNumber,
  readObject,
  readOptionalString,
  readString,
  readStringArray,
  type Identity,
  type PolicyPath,
} from '@portcullis/core';
import { parseKeyHash, readKeyHash } from './key-hash.js';

/** What a key source knows about one key (never the key itself). */
export interface ApiKeyRecord {
  /** The client (application) the key belongs to. Several keys may share one: rotation. */
  readonly clientId: string;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
  /** A plan or tier name, for per-tier rate limits. */
  readonly tier?: string;
  /** A non-secret key id, for telemetry and audit (`identity.claims.keyId`). */
  readonly id?: string;
  /** A revoked key is refused. */
  readonly revoked?: boolean;
  /** Milliseconds since the epoch; the key is refused from then on. */
  readonly expiresAt?: number;
  /**
   * The key's hash (`sha256:...`). Optional for a lookup or a Store record; when present it is
   * compared, in constant time, with the hash of the presented key.
   */
  readonly hash?: string;
}

/** One entry of the `keys` option: a record with its hash. */
export interface ApiKeyEntry extends ApiKeyRecord {
  readonly hash: string;
}

/** A record ready for the hot path: its Identity is built once. */
export interface CompiledKeyRecord {
  /** SHA-256 digest of the key, when the source states it. */
  readonly digest: Buffer | undefined;
  readonly identity: Identity;
  readonly revoked: boolean;
  readonly expiresAt: number | undefined;
}

export const KEY_ENTRY_FIELDS = ['hash', 'clientId', 'scopes', 'roles', 'tier', 'id', 'revoked', 'expiresAt'] as const;

/** Bounds on what one record may carry; a record is trusted, but not to be large. */
const MAX_NAME_LENGTH = 256;
const MAX_LIST_ENTRIES = 256;

function identityOf(clientId: string, scopes: readonly string[], roles: readonly string[], tier: string | undefined, keyId: string | undefined): Identity {
  const identity: { -readonly [K in keyof Identity]: Identity[K] } = {
    method: 'api-key',
    subject: clientId,
    clientId,
    scopes: Object.freeze([...scopes]),
    roles: Object.freeze([...roles]),
    // Never the key or its hash: claims may reach logs and the handler.
    claims: Object.freeze(keyId === undefined ? {} : { keyId }),
  };
  if (tier !== undefined) identity.tier = tier;
  return Object.freeze(identity);
}

/** A `keys[i]` entry of the policy, validated with its path. */
export function compileKeyEntry(value: unknown, path: PolicyPath): { readonly canonical: string; readonly record: CompiledKeyRecord } {
  if (isPlainObject(value) && Object.hasOwn(value, 'key')) {
    throw new PolicyError(childPath(path, 'key'), 'a plaintext key is never held in the policy: give its hash instead (`hash: hashApiKey(key)`)');
  }
  const o = readObject(value, path, KEY_ENTRY_FIELDS);
  const { canonical, digest } = readKeyHash(o['hash'], childPath(path, 'hash'));
  const clientId = readString(o['clientId'], childPath(path, 'clientId'));
  const scopes = o['scopes'] === undefined ? [] : readStringArray(o['scopes'], childPath(path, 'scopes'));
  const roles = o['roles'] === undefined ? [] : readStringArray(o['roles'], childPath(path, 'roles'));
  const tier = readOptionalString(o['tier'], childPath(path, 'tier'));
  const keyId = readOptionalString(o['id'], childPath(path, 'id'));
  const revoked = readBoolean(o['revoked'], childPath(path, 'revoked'), false);
  const expiresAt = o['expiresAt'] === undefined ? undefined : readNumber(o['expiresAt'], childPath(path, 'expiresAt'), 0, Number.MAX_SAFE_INTEGER);
  return { canonical, record: Object.freeze({ digest, identity: identityOf(clientId, scopes, roles, tier, keyId), revoked, expiresAt }) };
}

/** Thrown for a record a lookup or Store returned that is not an ApiKeyRecord: names the field, never a value. */
export class InvalidKeyRecordError extends TypeError {
  override readonly name = 'InvalidKeyRecordError';
  constructor(field: string) {
    super(`an API key source returned an invalid record (${field})`);
  }
}

function runtimeName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) throw new InvalidKeyRecordError(field);
  return value;
}

function runtimeNames(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_LIST_ENTRIES) throw new InvalidKeyRecordError(field);
  return value.map((item) => runtimeName(item, field));
}

/**
 * A record from a lookup function or the Store. A malformed record throws: it is a fault of the
 * key source, which core reports and answers with the guard's `onError`, never a silent grant.
 */
export function compileRuntimeRecord(value: unknown): CompiledKeyRecord {
  if (!isPlainObject(value)) throw new InvalidKeyRecordError(`not an object: ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  const clientId = runtimeName(value['clientId'], 'clientId');
  const scopes = runtimeNames(value['scopes'], 'scopes');
  const roles = runtimeNames(value['roles'], 'roles');
  const tier = value['tier'] === undefined ? undefined : runtimeName(value['tier'], 'tier');
  const keyId = value['id'] === undefined ? undefined : runtimeName(value['id'], 'id');
  const revoked = value['revoked'];
  if (revoked !== undefined && typeof revoked !== 'boolean') throw new InvalidKeyRecordError('revoked');
  const expiresAt = value['expiresAt'];
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) throw new InvalidKeyRecordError('expiresAt');
  let digest: Buffer | undefined;
  if (value['hash'] !== undefined) {
    const parsed = typeof value['hash'] === 'string' ? parseKeyHash(value['hash']) : undefined;
    if (parsed === undefined) throw new InvalidKeyRecordError('hash');
    digest = parsed.digest;
  }
  return Object.freeze({ digest, identity: identityOf(clientId, scopes, roles, tier, keyId), revoked: revoked === true, expiresAt });
}
