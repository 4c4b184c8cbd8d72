import type { CanaryKey } from '../policy/types.js';
import type { FirewallRequest } from '../request/firewall-request.js';

/** 32-bit FNV-1a: fast, stable across processes and versions, good enough to spread keys evenly. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function canaryKeyOf(request: FirewallRequest, key: CanaryKey): string {
  if (key === 'ip') return request.clientIp ?? '';
  if (key === 'path') return request.path;
  return request.headers.get(key.header) ?? '';
}

/** Whether the request falls in the enforced slice: the same key always gives the same answer. */
export function inCanarySlice(request: FirewallRequest, key: CanaryKey, basisPoints: number): boolean {
  if (basisPoints >= 10_000) return true;
  if (basisPoints <= 0) return false;
  return fnv1a(canaryKeyOf(request, key)) % 10_000 < basisPoints;
}
