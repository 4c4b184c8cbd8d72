import { createHash } from 'node:crypto';
import { isPlainObject } from '@portcullis/core';

/** The hex sha256 of a document's text: the trusted-document and persisted-query identifier. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export type PersistedQuery =
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'hash'; readonly sha256: string };

/**
 * Reads the Apollo persisted-query extension clients already send:
 * `extensions: { persistedQuery: { version: 1, sha256Hash } }`.
 */
export function readPersistedQuery(extensions: Readonly<Record<string, unknown>> | undefined): PersistedQuery {
  if (extensions === undefined || !Object.hasOwn(extensions, 'persistedQuery')) return { kind: 'none' };
  const persisted = extensions['persistedQuery'];
  if (!isPlainObject(persisted)) return { kind: 'malformed' };
  const hash = persisted['sha256Hash'];
  if (typeof hash !== 'string' || !HEX_SHA256.test(hash)) return { kind: 'malformed' };
  return { kind: 'hash', sha256: hash.toLowerCase() };
}
