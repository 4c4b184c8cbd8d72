import { CidrList, formatIp, parseIp } from '../net/ip.js';
import type { RequestHeaders } from './headers.js';

export type ForwardedHeader = 'x-forwarded-for' | 'forwarded';

/**
 * Resolves the client address. Forwarding headers are believed only when the socket peer is a
 * configured trusted proxy; the chain is then walked from the right, skipping trusted hops, and the
 * first untrusted hop is the client (so a client cannot prepend a fake address).
 */
export interface ClientIpResolution {
  /** Canonical text of the client address, or undefined when it cannot be determined. */
  readonly ip: string | undefined;
  /** True when forwarding headers came from a peer that is not trusted (they were ignored). */
  readonly untrustedForwarding: boolean;
}

const PORT_V4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/;
const PORT_V6 = /^\[([^\]]+)\](?::\d+)?$/;

function cleanHop(raw: string): string {
  let hop = raw.trim();
  if (hop.startsWith('"') && hop.endsWith('"')) hop = hop.slice(1, -1);
  const v4 = PORT_V4.exec(hop);
  if (v4 !== null) return v4[1] as string;
  const v6 = PORT_V6.exec(hop);
  if (v6 !== null) return v6[1] as string;
  return hop;
}

function hopsFromForwarded(values: readonly string[]): string[] | undefined {
  const hops: string[] = [];
  for (const value of values) {
    for (const element of value.split(',')) {
      let found: string | undefined;
      for (const pair of element.split(';')) {
        const eq = pair.indexOf('=');
        if (eq === -1) continue;
        if (pair.slice(0, eq).trim().toLowerCase() === 'for') found = cleanHop(pair.slice(eq + 1));
      }
      if (found === undefined) return undefined;
      hops.push(found);
    }
  }
  return hops;
}

function hopsFromXff(values: readonly string[]): string[] {
  const hops: string[] = [];
  for (const value of values) for (const hop of value.split(',')) hops.push(cleanHop(hop));
  return hops;
}

const NO_CLIENT: ClientIpResolution = Object.freeze({ ip: undefined, untrustedForwarding: false });

/** Canonical text of a socket address; the common forms skip a full parse. */
function canonicalPeer(remoteAddress: string): string | undefined {
  if (SIMPLE_V4.test(remoteAddress)) return remoteAddress;
  if (remoteAddress.startsWith('::ffff:') && SIMPLE_V4.test(remoteAddress.slice(7))) return remoteAddress.slice(7);
  const bytes = parseIp(remoteAddress);
  return bytes === undefined ? undefined : formatIp(bytes);
}

const SIMPLE_V4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function resolveClientIp(
  remoteAddress: string | undefined,
  headers: RequestHeaders,
  trusted: CidrList,
  header: ForwardedHeader,
): ClientIpResolution {
  if (remoteAddress === undefined) return NO_CLIENT;
  const forwarded = headers.getAll(header);
  if (forwarded.length === 0) {
    const ip = canonicalPeer(remoteAddress);
    return ip === undefined ? NO_CLIENT : { ip, untrustedForwarding: false };
  }
  const peer = parseIp(remoteAddress);
  if (peer === undefined) return NO_CLIENT;
  if (trusted.size === 0 || !trusted.contains(peer)) {
    return { ip: formatIp(peer), untrustedForwarding: true };
  }
  const hops = header === 'forwarded' ? hopsFromForwarded(forwarded) : hopsFromXff(forwarded);
  if (hops === undefined) return { ip: undefined, untrustedForwarding: false };
  let client = formatIp(peer);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hops[i] as string);
    // A malformed hop means the chain cannot be trusted past this point.
    if (hop === undefined) return { ip: undefined, untrustedForwarding: false };
    client = formatIp(hop);
    if (!trusted.contains(hop)) break;
  }
  return { ip: client, untrustedForwarding: false };
}
