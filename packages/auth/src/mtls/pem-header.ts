import { X509Certificate } from 'node:crypto';
import { commonNameOfLines, splitSubjectAltName, type CertificateFacts } from './certificate.js';

/**
 * A URL-encoded PEM certificate in a header, as nginx sends `$ssl_client_escaped_cert`
 * (`proxy_set_header X-Client-Cert $ssl_client_escaped_cert;`). Parsed with node:crypto's
 * X509Certificate. `authorized` is true: verifying the chain is the proxy's job
 * (`ssl_verify_client on` with `ssl_client_certificate`); an unverified certificate must not be
 * forwarded at all.
 */

/** A few KB is a real certificate; escaped PEM of a large RSA-4096 one stays under 16 KB. */
export const MAX_PEM_HEADER_LENGTH = 32_768;
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

export type PemRead = { readonly kind: 'none' } | { readonly kind: 'malformed' } | { readonly kind: 'certificate'; readonly facts: CertificateFacts };

export function readPemHeader(header: string): PemRead {
  if (header.trim() === '') return { kind: 'none' };
  if (header.length > MAX_PEM_HEADER_LENGTH) return { kind: 'malformed' };
  let pem: string;
  try {
    pem = decodeURIComponent(header).trim();
  } catch {
    return { kind: 'malformed' };
  }
  // Exactly one certificate: a chain here would leave which one is the client's to a guess.
  if (!pem.startsWith(BEGIN) || !pem.endsWith(END) || pem.indexOf(BEGIN, 1) !== -1) return { kind: 'malformed' };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return { kind: 'malformed' };
  }
  const sans = splitSubjectAltName(certificate.subjectAltName);
  if (sans === undefined) return { kind: 'malformed' };
  return {
    kind: 'certificate',
    facts: { authorized: true, commonName: commonNameOfLines(certificate.subject), sans, fingerprint256: certificate.fingerprint256 },
  };
}
