/**
 * IPv4/IPv6 parsing and CIDR matching without Node APIs (core stays Web-standard).
 *
 * Addresses are held as 16 bytes; IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`) so that an IPv4
 * rule also matches the same client seen on a dual-stack socket as `::ffff:a.b.c.d`.
 */
export type IpBytes = Uint8Array;

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): number[] | undefined {
  const m = V4.exec(text);
  if (m === null) return undefined;
  const parts: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    // Leading zeros are ambiguous (octal in some parsers): refuse them.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    parts.push(n);
  }
  return parts;
}

/** Parses an IPv4 or IPv6 address (optionally `[v6]`, optional `%zone` dropped). */
export function parseIp(input: string): IpBytes | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const v4 = parseV4(text);
  if (v4 !== undefined) {
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    bytes.set(v4, 12);
    return bytes;
  }
  return parseV6(text);
}

function parseV6(text: string): IpBytes | undefined {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] as string).split(':')) : [];
  const groups: number[] = [];
  const pushGroups = (parts: string[], allowV4Last: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (allowV4Last && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseV4(part);
        if (v4 === undefined) return false;
        groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return false;
      groups.push(Number.parseInt(part, 16));
    }
    return true;
  };
  if (!pushGroups(head, halves.length === 1)) return undefined;
  const headCount = groups.length;
  if (!pushGroups(tail, true)) return undefined;
  const tailGroups = groups.splice(headCount);
  if (halves.length === 1) {
    if (groups.length !== 8) return undefined;
  } else {
    const missing = 8 - groups.length - tailGroups.length;
    if (missing < 1) return undefined;
    for (let i = 0; i < missing; i++) groups.push(0);
  }
  groups.push(...tailGroups);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[i * 2] = ((groups[i] as number) >> 8) & 0xff;
    bytes[i * 2 + 1] = (groups[i] as number) & 0xff;
  }
  return bytes;
}

export function isIpv4Mapped(bytes: IpBytes): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Canonical text: dotted quad for IPv4 (and IPv4-mapped), RFC 5952 for IPv6. */
export function formatIp(bytes: IpBytes): string {
  if (isIpv4Mapped(bytes)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] as number) << 8) | (bytes[i * 2 + 1] as number));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

export interface Cidr {
  readonly bytes: IpBytes;
  /** Prefix length over the 128-bit form (an IPv4 /24 is /120 here). */
  readonly prefix: number;
  readonly text: string;
}

/** Parses `a.b.c.d/n`, `v6/n`, or a bare address (a host route). Undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const bytes = parseIp(address);
  if (bytes === undefined) return undefined;
  const isV4 = parseV4(address.trim()) !== undefined;
  const maxPrefix = isV4 ? 32 : 128;
  let prefix = maxPrefix;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > maxPrefix) return undefined;
  }
  const prefix128 = isV4 ? prefix + 96 : prefix;
  return { bytes: maskBytes(bytes, prefix128), prefix: prefix128, text };
}

export function maskBytes(bytes: IpBytes, prefix: number): IpBytes {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = (bytes[i] as number) & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

export function cidrContains(cidr: Cidr, address: IpBytes): boolean {
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (cidr.bytes[i] !== address[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[full] as number) & mask) === cidr.bytes[full];
}

/** A compiled list of CIDRs. */
export class CidrList {
  readonly #cidrs: readonly Cidr[];
  constructor(cidrs: readonly Cidr[]) {
    this.#cidrs = cidrs;
  }
  get size(): number {
    return this.#cidrs.length;
  }
  contains(address: IpBytes): boolean {
    for (const cidr of this.#cidrs) if (cidrContains(cidr, address)) return true;
    return false;
  }
}
