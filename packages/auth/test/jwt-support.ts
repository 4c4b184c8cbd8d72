/**
 * Token builders for the JWT tests: jose for well-formed tokens, and hand-assembled compact
 * serializations (node:crypto) for the hostile ones jose refuses to produce.
 */
import { createHmac, createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createFirewall, type Decision, type Firewall, type Policy } from '@portcullis/core';

export const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes!';
export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'https://api.test';
/** The fixed policy clock: 2026-01-01T00:00:00Z. */
export const NOW_MS = Date.UTC(2026, 0, 1);
export const NOW_S = NOW_MS / 1000;

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export function compact(header: Record<string, unknown>, payload: Record<string, unknown>, signature: (input: string) => Buffer | string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = signature(input);
  return `${input}.${typeof sig === 'string' ? sig : sig.toString('base64url')}`;
}

export function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: NOW_S - 10, exp: NOW_S + 600, scope: 'orders:read orders:write', client_id: 'client-a', ...extra };
}

export function hs256(payload: Record<string, unknown>, header: Record<string, unknown> = {}, secret: string | Buffer = SECRET): string {
  return compact({ alg: 'HS256', typ: 'JWT', ...header }, payload, (input) => createHmac('sha256', secret).update(input).digest());
}

export interface EcKey {
  readonly privateKey: KeyObject;
  readonly publicPem: string;
  readonly publicJwk: Record<string, unknown>;
}

export function ecKey(kid: string): EcKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

export function es256(key: EcKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return compact({ alg: 'ES256', typ: 'JWT', kid: key.publicJwk['kid'], ...header }, payload, (input) => cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
}

export function rsaKey(kid: string): { privateKey: KeyObject; publicPem: string; publicJwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

export function rs256(key: { privateKey: KeyObject }, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return compact({ alg: 'RS256', typ: 'JWT', ...header }, payload, (input) => cryptoSign('sha256', Buffer.from(input), createPrivateKey(key.privateKey.export({ type: 'pkcs8', format: 'pem' }))));
}

export function firewallWith(policy: Policy): Firewall {
  return createFirewall({ clock: () => NOW_MS, requestId: { trustIncoming: true }, ...policy });
}

export function bearer(token: string, scheme = 'Bearer'): [string, string][] {
  return [['authorization', `${scheme} ${token}`]];
}

export async function decideWith(firewall: Firewall, headers: [string, string][], target = '/orders', method = 'GET'): Promise<Decision> {
  return firewall.decide({ method, target, headers, remoteAddress: '127.0.0.1' });
}
