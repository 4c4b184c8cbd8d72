import type { Guard, GuardOutcome } from '../guard.js';
import { ALLOW } from '../guard.js';
import { CidrList, parseCidr, parseIp } from '../net/ip.js';
import { PolicyError } from '../errors.js';
import { child, readEnum, readObject, readStringArray, type PolicyPath } from '../policy/reader.js';
import { COMMON_GUARD_KEYS, coreDeny, readCommonGuardOptions } from './common.js';

export interface IpFilterOptions {
  /** When set, only these addresses/CIDRs may call. */
  readonly allow?: readonly string[];
  /** These addresses/CIDRs are refused (checked before `allow`). */
  readonly deny?: readonly string[];
  /** What to do when the client address cannot be determined. Default `deny` when `allow` is set. */
  readonly unknownClient?: 'deny' | 'allow';
  readonly id?: string;
  readonly mode?: 'enforce' | 'monitor';
}

const KEYS = ['allow', 'deny', 'unknownClient', ...COMMON_GUARD_KEYS];

function readCidrs(value: unknown, path: PolicyPath): CidrList {
  const texts = readStringArray(value, path);
  return new CidrList(
    texts.map((text, index) => {
      const cidr = parseCidr(text);
      if (cidr === undefined) throw new PolicyError(child(path, index), `expected an IPv4/IPv6 address or CIDR, got ${JSON.stringify(text)}`);
      return cidr;
    }),
  );
}

const DENIED = coreDeny('ip_denied');
const VERDICT_CACHE_SIZE = 10_000;
const UNKNOWN = coreDeny('client_ip_unknown');

/** `defaultId` differs for a route's own filter, which runs in addition to the policy's. */
export function compileIpFilter(options: unknown, path: PolicyPath, defaultId = 'ip-filter'): Guard {
  const o = readObject(options, path, KEYS);
  const common = readCommonGuardOptions(o, path, { id: defaultId, onError: 'deny' });
  const allow = o['allow'] === undefined ? undefined : readCidrs(o['allow'], child(path, 'allow'));
  const deny = o['deny'] === undefined ? undefined : readCidrs(o['deny'], child(path, 'deny'));
  if (allow === undefined && deny === undefined) throw new PolicyError(path, 'expected at least one of "allow" or "deny"');
  const unknownClient = readEnum(o['unknownClient'], child(path, 'unknownClient'), ['deny', 'allow'], allow === undefined ? 'allow' : 'deny');
  const verdictOf = (text: string): GuardOutcome => {
    const ip = parseIp(text);
    if (ip === undefined) return unknownClient === 'allow' ? ALLOW : UNKNOWN;
    if (deny !== undefined && deny.contains(ip)) return DENIED;
    return allow === undefined || allow.contains(ip) ? ALLOW : DENIED;
  };
  // Verdicts by client address. Bounded: cleared when full, so many distinct addresses cost a
  // re-parse, never memory.
  const verdicts = new Map<string, GuardOutcome>();
  return Object.freeze<Guard>({
    ...common,
    kind: 'ip-filter',
    phase: 'request' as const,
    evaluate(request) {
      const text = request.clientIp;
      if (text === undefined) return unknownClient === 'deny' ? UNKNOWN : ALLOW;
      let verdict = verdicts.get(text);
      if (verdict === undefined) {
        verdict = verdictOf(text);
        if (verdicts.size >= VERDICT_CACHE_SIZE) verdicts.clear();
        verdicts.set(text, verdict);
      }
      return verdict;
    },
  });
}
