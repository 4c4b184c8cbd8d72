/**
 * The public API of @portcullis/core is its explicit src/index.ts exports (STYLE #11). Adding or
 * removing a runtime export must be a deliberate change to this list, reviewed like an API change.
 * Type-only exports have no runtime name; the packaging test checks the published types compile.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '../src/index.js';

it('exposes exactly the public runtime API', () => {
  assert.deepEqual(Object.keys(core).sort(), [
    'ALLOW',
    'COMMON_GUARD_KEYS',
    'CidrList',
    'DEFAULT_LIMITS',
    'DENY_CODES',
    'FIREWALL_ERROR_CODES',
    'FirewallError',
    'GUARD_DEFINITION',
    'GUARD_PHASES',
    'METHOD_OVERRIDE_HEADERS',
    'MemoryStore',
    'PROBLEM_CONTENT_TYPE',
    'PolicyError',
    'beforeWriteHead',
    'childPath',
    'claimPathProblem',
    'combineTelemetry',
    'concatBytes',
    'countPairs',
    'createFirewall',
    'decodeFormComponent',
    'defineGuard',
    'describeValue',
    'formatIp',
    'isFirewallError',
    'isGuardDefinition',
    'isIpv4Mapped',
    'isPlainObject',
    'isRepresentationHeader',
    'maskBytes',
    'mustRespond',
    'noopTelemetry',
    'normalizeTarget',
    'parseCidr',
    'parseIp',
    'parseMediaType',
    'problemTypeFor',
    'readArray',
    'readBoolean',
    'readClaim',
    'readCommonGuardOptions',
    'readEnum',
    'readFunction',
    'readInteger',
    'readNodeStream',
    'readNumber',
    'readObject',
    'readOptionalInteger',
    'readOptionalObject',
    'readOptionalString',
    'readString',
    'readStringArray',
    'readWebStream',
    'renderProblemBody',
    'renderUnavailable',
    'responseBodyLimit',
    'runResponseBodyHooks',
    'runResponseHooks',
    'tlsPeerReader',
  ]);
});

it('freezes the shared constants so a caller cannot change them for everyone', () => {
  for (const name of ['ALLOW', 'DEFAULT_LIMITS', 'noopTelemetry'] as const) {
    assert.equal(Object.isFrozen(core[name]), true, name);
  }
});
