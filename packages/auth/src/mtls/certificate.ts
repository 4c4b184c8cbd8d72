/**
 * What the guard knows about a presented client certificate, whichever way it arrived (the TLS
 * socket, or a trusted proxy's header), in one shape:
 *
 *  - `commonName`: the subject CN; undefined when absent or repeated (two CNs: refuse to guess);
 *  - `sans`: subjectAltName entries as Node names them (`DNS:client.example`,
 *    `URI:spiffe://example.org/svc`, `IP Address:10.0.0.1`, `email:a@b.example`), values unquoted;
 *  - `fingerprint256`: SHA-256 of the DER, colon-separated upper-case hex as Node reports it.
 */
export interface CertificateFacts {
  /** Whether the chain was verified against the CA list (by the TLS stack, or by the proxy). */
  readonly authorized: boolean;
  readonly commonName: string | undefined;
  readonly sans: readonly string[];
  readonly fingerprint256: string | undefined;
}

/** Bounds on what is parsed from a certificate: far above real certificates, far below abuse. */
export const MAX_SAN_ENTRIES = 256;
export const MAX_SAN_TEXT = 32_768;

const HEX64 = /^[0-9A-F]{64}$/;

/** `ab12...` or `AB:12:...` → `AB:12:...` (Node's form); undefined when not a SHA-256. */
export function toNodeFingerprint(text: string): string | undefined {
  const bare = text.includes(':') ? (/^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$/.test(text) ? text.replaceAll(':', '') : '') : text;
  const upper = bare.toUpperCase();
  if (!HEX64.test(upper)) return undefined;
  return upper.match(/../g)?.join(':');
}

/** Reads a value Node quoted (JSON) because it held a separator; plain values pass unchanged. */
function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits Node's `subjectaltname` text (`DNS:a, URI:b`) into entries. Since Node 17.3 (CVE-2021-44532)
 * a value that contains a separator is JSON-quoted (`URI:"a, b"`), so commas inside quotes do not
 * split. Undefined when the text is malformed or past the bounds.
 */
export function splitSubjectAltName(text: string | undefined): string[] | undefined {
  if (text === undefined || text === '') return [];
  if (text.length > MAX_SAN_TEXT) return undefined;
  const entries: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === undefined || (c === ',' && text[i + 1] === ' ')) {
      const entry = readSanEntry(text.slice(start, i));
      if (entry === undefined || entries.length >= MAX_SAN_ENTRIES) return undefined;
      entries.push(entry);
      start = i + 2;
      i++;
    }
  }
  return quoted ? undefined : entries;
}

function readSanEntry(raw: string): string | undefined {
  const colon = raw.indexOf(':');
  if (colon <= 0) return undefined;
  const value = unquote(raw.slice(colon + 1));
  return value === undefined ? undefined : `${raw.slice(0, colon)}:${value}`;
}

/**
 * The CN of a subject given as Node's `X509Certificate.subject` (`O=Acme\nCN=client`, one
 * attribute per line, values JSON-quoted when they hold a separator). Undefined when there is
 * none or more than one.
 */
export function commonNameOfLines(subject: string): string | undefined {
  const names = subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => unquote(line.slice(3)));
  return names.length === 1 ? names[0] : undefined;
}

/** The first `URI:` SAN (a SPIFFE id, typically), else the CN: the identity's subject. */
export function subjectOf(facts: CertificateFacts): string | undefined {
  const uri = facts.sans.find((entry) => entry.startsWith('URI:'));
  return uri === undefined ? facts.commonName : uri.slice(4);
}
