import { toNodeFingerprint, type CertificateFacts } from './certificate.js';

/**
 * Envoy's `x-forwarded-client-cert` (XFCC):
 *
 *   By=spiffe://a/b;Hash=<hex sha256>;Subject="CN=client,O=Acme";URI=spiffe://example.org/svc;DNS=client.example
 *
 * One element per proxy hop, comma-separated; each proxy appends the element for the certificate
 * its own client presented, so the last element is the closest one: the one our trusted proxy
 * vouches for. A value holding `,` `;` `=` or `"` is double-quoted, with `\"` and `\\` escaped.
 *
 * Parsed strictly (any syntax error refuses the header: a lenient parser is how a smuggled `;URI=`
 * gets believed) and bounded. `Hash`, `Subject`, `URI` and `DNS` are read; other keys (`By`,
 * `Cert`, `Chain`) are checked for syntax and ignored. `URI` and `DNS` may repeat; the others may not.
 */

export const MAX_XFCC_LENGTH = 16_384;
const MAX_ELEMENTS = 32;
const MAX_PAIRS = 64;
const KEY = /^[A-Za-z]+$/;
const SINGLE_KEYS = new Set(['by', 'hash', 'cert', 'chain', 'subject']);

type Pair = readonly [key: string, value: string];

/** Splits the header into elements of key/value pairs; undefined on any syntax error. */
export function parseXfccElements(header: string): Pair[][] | undefined {
  if (header.length > MAX_XFCC_LENGTH) return undefined;
  const elements: Pair[][] = [];
  let pairs: Pair[] = [];
  let i = 0;
  const n = header.length;
  for (;;) {
    // key
    const eq = header.indexOf('=', i);
    if (eq === -1) return undefined;
    const key = header.slice(i, eq).trim();
    if (!KEY.test(key)) return undefined;
    i = eq + 1;
    // value: quoted or bare
    let value = '';
    if (header[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = header[i] as string;
        if (c === '\\') {
          const next = header[i + 1];
          if (next !== '"' && next !== '\\') return undefined;
          value += next;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return undefined;
    } else {
      const start = i;
      while (i < n && header[i] !== ';' && header[i] !== ',') {
        if (header[i] === '"' || header[i] === '=') return undefined;
        i++;
      }
      value = header.slice(start, i).trim();
    }
    pairs.push([key, value]);
    if (pairs.length > MAX_PAIRS) return undefined;
    // separator
    while (header[i] === ' ' || header[i] === '\t') i++;
    if (i >= n) break;
    const separator = header[i];
    i++;
    while (header[i] === ' ' || header[i] === '\t') i++;
    if (separator === ',') {
      elements.push(pairs);
      pairs = [];
      if (elements.length >= MAX_ELEMENTS) return undefined;
    } else if (separator !== ';') {
      return undefined;
    }
    if (i >= n) return undefined; // a trailing separator
  }
  elements.push(pairs);
  return elements;
}

/**
 * The CN of an RFC 4514 distinguished name (`CN=client,O=Acme`, Envoy's current form) or of the
 * older slash form (`/C=US/O=Acme/CN=client`). Undefined when absent, repeated or malformed.
 */
export function commonNameOfDn(dn: string): string | undefined {
  if (dn === '') return undefined;
  const attributes = dn.startsWith('/') ? splitSlashDn(dn) : splitRfc4514(dn);
  if (attributes === undefined) return undefined;
  const names = attributes.filter(([type]) => type.toUpperCase() === 'CN').map(([, value]) => value);
  return names.length === 1 ? names[0] : undefined;
}

function splitSlashDn(dn: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const part of dn.slice(1).split('/')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    out.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  return out;
}

/** RFC 4514: `,` (or `+` in a multi-valued RDN) separates attributes; `\` escapes one character or two hex digits. */
function splitRfc4514(dn: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  let i = 0;
  while (i < dn.length) {
    const eq = dn.indexOf('=', i);
    if (eq === -1) return undefined;
    const type = dn.slice(i, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9-]*$|^\d+(\.\d+)*$/.test(type)) return undefined;
    i = eq + 1;
    let value = '';
    const bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length > 0) {
        value += new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
        bytes.length = 0;
      }
    };
    while (i < dn.length && dn[i] !== ',' && dn[i] !== '+') {
      const c = dn[i] as string;
      if (c === '\\') {
        const pair = dn.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(pair)) {
          bytes.push(parseInt(pair, 16));
          i += 3;
          continue;
        }
        const next = dn[i + 1];
        if (next === undefined) return undefined;
        flush();
        value += next;
        i += 2;
        continue;
      }
      flush();
      value += c;
      i++;
    }
    flush();
    out.push([type, value.trim()]);
    if (i < dn.length) {
      i++;
      if (i >= dn.length) return undefined; // a trailing separator
    }
  }
  return out;
}

export type XfccRead = { readonly kind: 'none' } | { readonly kind: 'malformed' } | { readonly kind: 'certificate'; readonly facts: CertificateFacts };

/**
 * The certificate the closest proxy vouches for. `authorized` is true: verifying the chain is the
 * proxy's job (Envoy's `require_client_certificate` with a validation context).
 */
export function readXfcc(header: string): XfccRead {
  if (header.trim() === '') return { kind: 'none' };
  const elements = parseXfccElements(header);
  const last = elements?.at(-1);
  if (last === undefined) return { kind: 'malformed' };
  const seen = new Set<string>();
  let fingerprint256: string | undefined;
  let commonName: string | undefined;
  const sans: string[] = [];
  for (const [rawKey, value] of last) {
    const key = rawKey.toLowerCase();
    if (SINGLE_KEYS.has(key)) {
      if (seen.has(key)) return { kind: 'malformed' };
      seen.add(key);
    }
    if (key === 'hash') {
      fingerprint256 = toNodeFingerprint(value);
      if (fingerprint256 === undefined) return { kind: 'malformed' };
    } else if (key === 'subject') {
      commonName = commonNameOfDn(value);
    } else if (key === 'uri' && value !== '') {
      sans.push(`URI:${value}`);
    } else if (key === 'dns' && value !== '') {
      sans.push(`DNS:${value}`);
    }
  }
  // Envoy always sends the Hash of the certificate; an element without one describes none.
  if (fingerprint256 === undefined) return { kind: 'malformed' };
  return { kind: 'certificate', facts: { authorized: true, commonName, sans, fingerprint256 } };
}
