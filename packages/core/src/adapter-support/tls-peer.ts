import type { TlsPeer } from '../request/firewall-request.js';

/**
 * Shared by the adapters that run on Node's http module, so that every adapter reads a client
 * certificate the same way. The part of a `tls.TLSSocket` read here is described structurally:
 * core imports nothing from `node:tls` (a plain `net.Socket` simply does not match).
 */
interface TlsSocketLike {
  readonly encrypted: true;
  readonly authorized?: boolean;
  getPeerCertificate(detailed?: false): PeerCertificateLike | null | undefined;
}

interface PeerCertificateLike {
  readonly subject?: Readonly<Record<string, unknown>>;
  readonly subjectaltname?: string;
  readonly fingerprint256?: string;
}

function isTlsSocket(socket: unknown): socket is TlsSocketLike {
  if (typeof socket !== 'object' || socket === null) return false;
  const candidate = socket as { encrypted?: unknown; getPeerCertificate?: unknown };
  return candidate.encrypted === true && typeof candidate.getPeerCertificate === 'function';
}

/**
 * Only string-valued subject fields are copied. Node reports a multi-valued RDN (two `OU`s) as an
 * array; leaving it out makes a guard that matches on it refuse rather than guess which one counts.
 */
function copySubject(subject: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(subject)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * A lazy reader of the client certificate: core calls it only when a guard asks (mTLS), so plain
 * requests never pay for `getPeerCertificate()`. Undefined when the socket is not TLS.
 */
export function tlsPeerReader(socket: unknown): (() => TlsPeer | undefined) | undefined {
  if (!isTlsSocket(socket)) return undefined;
  return () => {
    const authorized = socket.authorized === true;
    const certificate = socket.getPeerCertificate(false);
    // Node returns an empty object when the client sent no certificate.
    if (certificate === null || certificate === undefined || Object.keys(certificate).length === 0) return { authorized };
    return {
      authorized,
      ...(certificate.subject === undefined ? {} : { subject: copySubject(certificate.subject) }),
      ...(typeof certificate.subjectaltname === 'string' ? { subjectAltName: certificate.subjectaltname } : {}),
      ...(typeof certificate.fingerprint256 === 'string' ? { fingerprint256: certificate.fingerprint256 } : {}),
    };
  };
}
