import {
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  describeValue,
  isGuardDefinition,
  isPlainObject,
  readArray,
  readBoolean,
  readCommonGuardOptions,
  readEnum,
  readInteger,
  readObject,
  readOptionalInteger,
  type CommonGuardOptions,
  type GuardDefinition,
  type Mode,
  type PolicyPath,
} from '@portcullis/core';
import type { OpenApiSource } from './document/load-document.js';

/** What happens to a request the document does not describe (path or method). */
export type UndocumentedMode = 'deny' | 'monitor' | 'allow';
/** Response validation: off (default), report invalid responses, or replace them with a 502. */
export type ResponseValidationMode = 'off' | 'monitor' | 'enforce';

/** How one of the document's security schemes is verified. */
export type SchemeVerifier =
  /** A Portcullis identity guard (`jwt()`, `apiKey()`, `introspection()`, `clientCertificate()`...) run for the operations that require this scheme. */
  | GuardDefinition
  /**
   * Accept the identity the policy's own identity guards established, if its method fits the
   * scheme (`http bearer` -> jwt or introspection, `apiKey` -> api-key, `mutualTLS` -> mtls...).
   */
  | 'policy';

/** Settings for one operation, by its `operationId`. */
export interface OperationPolicy {
  /** `monitor`: this operation's contract (and extra guards) are reported, not enforced. */
  readonly mode?: Mode;
  /** Guards for this operation only (a rate limit, a stricter IP filter...), run in their phases after the contract guard's. */
  readonly guards?: readonly GuardDefinition[];
  /**
   * Replaces the document's `security` for this operation: the same shape as OpenAPI's (a list of
   * alternatives, each naming schemes and their scopes); `[]` makes it public.
   */
  readonly security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
  /** Response validation for this operation. */
  readonly responses?: ResponseValidationMode;
}

export interface OpenApiOptions<OperationId extends string = string> extends Partial<CommonGuardOptions> {
  /** The document: a file path (`.json`, `.yaml`), a `file:` URL, or the document object. */
  readonly document: OpenApiSource;
  /** For an object document: the directory its relative `$ref`s resolve against. Default the working directory. */
  readonly baseDir?: string;
  /** Overrides the base paths taken from `servers` (e.g. `'/api'` where the app is mounted). `''` for none. */
  readonly basePath?: string | readonly string[];
  /** Requests the document does not describe. Default `deny` (404/405); `monitor` reports them; `allow` lets them through (still reported). */
  readonly undocumented?: UndocumentedMode;
  /** Parameters arrive as strings: `schema` (default) converts them only where the schema says so; `none` converts nothing. */
  readonly coercion?: 'schema' | 'none';
  /** Query parameters the operation does not document. Default `deny`. */
  readonly unknownQueryParameters?: 'deny' | 'allow';
  /** Mass-assignment protection: objects without `additionalProperties` are closed. Default false. */
  readonly closedObjects?: boolean;
  /** Formats the document uses that ajv-formats does not know (e.g. `{ snowflake: /^\d{17,20}$/ }`). */
  readonly formats?: Readonly<Record<string, RegExp | ((value: string) => boolean)>>;
  /** Response validation. Default `off` (it buffers every response of a validated operation). */
  readonly responses?: ResponseValidationMode;
  /** Largest response body validated; larger ones pass unchecked (reported). Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** Most validation errors listed in a 400. Default 10. */
  readonly maxErrors?: number;
  /** Verifiers for the document's `securitySchemes`, by scheme name. */
  readonly security?: Readonly<Record<string, SchemeVerifier>>;
  /** Per-operation settings, by `operationId` (checked against the document at start-up). */
  readonly operations?: Readonly<Partial<Record<OperationId, OperationPolicy>>>;
  /** `eager` (default): every operation compiles in `ready()`. `lazy`: on first use (`checkContract()` still finds every problem before deploy). */
  readonly compile?: 'eager' | 'lazy';
}

export interface ResolvedOperationPolicy {
  readonly mode: Mode | undefined;
  readonly guards: readonly GuardDefinition[];
  readonly security: ReadonlyArray<Readonly<Record<string, readonly string[]>>> | undefined;
  readonly responses: ResponseValidationMode | undefined;
  readonly path: PolicyPath;
}

export interface ResolvedOptions {
  readonly common: CommonGuardOptions;
  readonly document: OpenApiSource;
  readonly baseDir: string | undefined;
  readonly basePath: readonly string[] | undefined;
  readonly undocumented: UndocumentedMode;
  readonly coercion: 'schema' | 'none';
  readonly unknownQuery: 'deny' | 'allow';
  readonly closedObjects: boolean;
  readonly formats: Readonly<Record<string, RegExp | ((value: string) => boolean)>>;
  readonly responses: ResponseValidationMode;
  readonly maxResponseBytes: number;
  readonly maxErrors: number;
  readonly security: ReadonlyMap<string, SchemeVerifier>;
  readonly operations: ReadonlyMap<string, ResolvedOperationPolicy>;
  readonly compile: 'eager' | 'lazy';
}

const KEYS = [
  ...COMMON_GUARD_KEYS,
  'document',
  'baseDir',
  'basePath',
  'undocumented',
  'coercion',
  'unknownQueryParameters',
  'closedObjects',
  'formats',
  'responses',
  'maxResponseBytes',
  'maxErrors',
  'security',
  'operations',
  'compile',
] as const;
const OPERATION_KEYS = ['mode', 'guards', 'security', 'responses'] as const;
const RESPONSE_MODES: readonly ResponseValidationMode[] = ['off', 'monitor', 'enforce'];

export function readOptions(options: unknown, path: PolicyPath): ResolvedOptions {
  const o = readObject(options, path, KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'openapi', onError: 'deny' });
  const document = o['document'];
  if (!(typeof document === 'string' && document !== '') && !(document instanceof URL) && !isPlainObject(document)) {
    throw new PolicyError(childPath(path, 'document'), `expected a file path, a file: URL or the document object, got ${describeValue(document)}`);
  }
  const baseDir = o['baseDir'];
  if (baseDir !== undefined && (typeof baseDir !== 'string' || baseDir === '')) {
    throw new PolicyError(childPath(path, 'baseDir'), `expected a directory path, got ${describeValue(baseDir)}`);
  }
  return {
    common,
    document: document as OpenApiSource,
    baseDir,
    basePath: readBasePath(o['basePath'], childPath(path, 'basePath')),
    undocumented: readEnum<UndocumentedMode>(o['undocumented'], childPath(path, 'undocumented'), ['deny', 'monitor', 'allow'], 'deny'),
    coercion: readEnum(o['coercion'], childPath(path, 'coercion'), ['schema', 'none'] as const, 'schema'),
    unknownQuery: readEnum(o['unknownQueryParameters'], childPath(path, 'unknownQueryParameters'), ['deny', 'allow'] as const, 'deny'),
    closedObjects: readBoolean(o['closedObjects'], childPath(path, 'closedObjects'), false),
    formats: readFormats(o['formats'], childPath(path, 'formats')),
    responses: readEnum(o['responses'], childPath(path, 'responses'), RESPONSE_MODES, 'off'),
    maxResponseBytes: readOptionalInteger(o['maxResponseBytes'], childPath(path, 'maxResponseBytes'), { min: 1, max: 64 * 1024 * 1024 }) ?? 1024 * 1024,
    maxErrors: o['maxErrors'] === undefined ? 10 : readInteger(o['maxErrors'], childPath(path, 'maxErrors'), { min: 1, max: 100 }),
    security: readSecurity(o['security'], childPath(path, 'security')),
    operations: readOperations(o['operations'], childPath(path, 'operations')),
    compile: readEnum(o['compile'], childPath(path, 'compile'), ['eager', 'lazy'] as const, 'eager'),
  };
}

function readBasePath(value: unknown, path: PolicyPath): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : readArray(value, path, { nonEmpty: true });
  return list
    .map((item, i) => {
      const at = typeof value === 'string' ? path : childPath(path, i);
      if (typeof item !== 'string' || !(item === '' || (item.startsWith('/') && !item.endsWith('/')))) {
        throw new PolicyError(at, `expected '' or a path such as "/api" (leading slash, no trailing slash), got ${describeValue(item)}`);
      }
      return item;
    })
    .sort((a, b) => b.length - a.length);
}

function readFormats(value: unknown, path: PolicyPath): Readonly<Record<string, RegExp | ((value: string) => boolean)>> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new PolicyError(path, `expected an object of formats, got ${describeValue(value)}`);
  const formats: Record<string, RegExp | ((value: string) => boolean)> = Object.create(null) as Record<string, RegExp | ((value: string) => boolean)>;
  for (const [name, format] of Object.entries(value)) {
    if (!(format instanceof RegExp) && typeof format !== 'function') {
      throw new PolicyError(childPath(path, name), `expected a RegExp or a function (value: string) => boolean, got ${describeValue(format)}`);
    }
    formats[name] = format as RegExp | ((value: string) => boolean);
  }
  return formats;
}

function readSecurity(value: unknown, path: PolicyPath): ReadonlyMap<string, SchemeVerifier> {
  const map = new Map<string, SchemeVerifier>();
  if (value === undefined) return map;
  if (!isPlainObject(value)) throw new PolicyError(path, `expected an object of scheme name -> guard, got ${describeValue(value)}`);
  for (const [name, verifier] of Object.entries(value)) {
    if (verifier !== 'policy' && !isGuardDefinition(verifier)) {
      throw new PolicyError(childPath(path, name), `expected an identity guard (jwt(), apiKey()...) or 'policy', got ${describeValue(verifier)}`);
    }
    map.set(name, verifier);
  }
  return map;
}

export function readSecurityRequirements(value: unknown, path: PolicyPath): ReadonlyArray<Readonly<Record<string, readonly string[]>>> {
  return readArray(value, path).map((alternative, i) => {
    const at = childPath(path, i);
    if (!isPlainObject(alternative)) throw new PolicyError(at, `expected an object of scheme name -> scopes, got ${describeValue(alternative)}`);
    const copy: Record<string, readonly string[]> = {};
    for (const [scheme, scopes] of Object.entries(alternative)) {
      const list = readArray(scopes, childPath(at, scheme));
      list.forEach((scope, j) => {
        if (typeof scope !== 'string' || scope === '') throw new PolicyError(childPath(childPath(at, scheme), j), `expected a scope name, got ${describeValue(scope)}`);
      });
      copy[scheme] = list as string[];
    }
    return copy;
  });
}

function readOperations(value: unknown, path: PolicyPath): ReadonlyMap<string, ResolvedOperationPolicy> {
  const map = new Map<string, ResolvedOperationPolicy>();
  if (value === undefined) return map;
  if (!isPlainObject(value)) throw new PolicyError(path, `expected an object of operationId -> settings, got ${describeValue(value)}`);
  for (const [operationId, settings] of Object.entries(value)) {
    const at = childPath(path, operationId);
    const s = readObject(settings, at, OPERATION_KEYS);
    const guards = s['guards'] === undefined ? [] : readArray(s['guards'], childPath(at, 'guards'));
    guards.forEach((guard, i) => {
      if (!isGuardDefinition(guard)) throw new PolicyError(childPath(childPath(at, 'guards'), i), `expected a guard definition, got ${describeValue(guard)}`);
    });
    map.set(operationId, {
      mode: s['mode'] === undefined ? undefined : readEnum<Mode>(s['mode'], childPath(at, 'mode'), ['enforce', 'monitor']),
      guards: guards as GuardDefinition[],
      security: s['security'] === undefined ? undefined : readSecurityRequirements(s['security'], childPath(at, 'security')),
      responses: s['responses'] === undefined ? undefined : readEnum(s['responses'], childPath(at, 'responses'), RESPONSE_MODES),
      path: at,
    });
  }
  return map;
}
