import type { GraphQLSchema } from 'graphql';
import {
  PolicyError,
  childPath,
  describeValue,
  isPlainObject,
  readArray,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readOptionalObject,
  readStringArray,
  readString,
} from '@portcullis/core';

/** Scopes and roles a field or type requires; every listed scope and every listed role must be held. */
export interface AccessRequirement {
  scopes?: string[];
  roles?: string[];
}

export interface AnalyzerOptions {
  /** SDL text or a built schema: type-aware cost and type authorization. Structural analysis without it. */
  schema?: string | GraphQLSchema;
  /** graphql-js `parse({ maxTokens })`. Default 5_000. */
  maxTokens?: number;
  /** Refused before parsing. Default 100_000 (UTF-16 code units). */
  maxDocumentBytes?: number;
  limits?: {
    depth?: number;
    aliases?: number;
    directives?: number;
    rootFields?: number;
    fieldDuplicates?: number;
    operations?: number;
    cost?: number;
  };
  cost?: {
    defaultField?: number;
    defaultScalar?: number;
    types?: Record<string, number>;
    fields?: Record<string, number>;
    listArguments?: string[];
    /** Size of a list argument that is absent-valued or unusable (absent variable, null). Default 10. */
    defaultListSize?: number;
    /**
     * Multiplier of a list-typed field without any list argument (schema only). Default 1: such
     * lists are sized by the data, not by the client (Saleor's menu `children` nest seven levels).
     */
    implicitListSize?: number;
    maxListSize?: number;
  };
  /** Default 'deny'. `__typename` is always allowed. */
  introspection?: 'allow' | 'deny' | { allowRoles?: string[]; allowScopes?: string[] };
  trustedDocuments?: {
    /** Hex sha256 of the document text. */
    sha256?: string[];
    mode: 'enforce' | 'report';
    /** Documents by hash, so a persisted-query request carrying only the hash can be analyzed. */
    documents?: Record<string, string>;
  };
  authorization?: {
    types?: Record<string, AccessRequirement>;
    fields?: Record<string, AccessRequirement>;
  };
  /** Parsed documents cached by hash. Default 1_000; 0 disables the cache. */
  cacheSize?: number;
}

export interface ResolvedLimits {
  readonly depth: number;
  readonly aliases: number;
  readonly directives: number;
  readonly rootFields: number;
  readonly fieldDuplicates: number;
  readonly operations: number;
  readonly cost: number;
}

export interface ResolvedCost {
  readonly defaultField: number;
  readonly defaultScalar: number;
  readonly types: ReadonlyMap<string, number>;
  readonly fields: ReadonlyMap<string, number>;
  readonly listArguments: readonly string[];
  readonly defaultListSize: number;
  readonly implicitListSize: number;
  readonly maxListSize: number;
}

export interface ResolvedRequirement {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

export type ResolvedIntrospection =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny' }
  | { readonly kind: 'identity'; readonly roles: readonly string[]; readonly scopes: readonly string[] };

export interface ResolvedTrustedDocuments {
  readonly mode: 'enforce' | 'report';
  readonly hashes: ReadonlySet<string>;
  readonly documents: ReadonlyMap<string, string>;
}

export interface ResolvedAnalyzerOptions {
  readonly schema: string | GraphQLSchema | undefined;
  readonly maxTokens: number;
  readonly maxDocumentBytes: number;
  readonly limits: ResolvedLimits;
  readonly cost: ResolvedCost;
  readonly introspection: ResolvedIntrospection;
  readonly trustedDocuments: ResolvedTrustedDocuments | undefined;
  readonly authorization: {
    readonly types: ReadonlyMap<string, ResolvedRequirement>;
    readonly fields: ReadonlyMap<string, ResolvedRequirement>;
  };
  readonly cacheSize: number;
}

const TOP_KEYS = [
  'schema',
  'maxTokens',
  'maxDocumentBytes',
  'limits',
  'cost',
  'introspection',
  'trustedDocuments',
  'authorization',
  'cacheSize',
] as const;
const LIMIT_KEYS = ['depth', 'aliases', 'directives', 'rootFields', 'fieldDuplicates', 'operations', 'cost'] as const;
const COST_KEYS = ['defaultField', 'defaultScalar', 'types', 'fields', 'listArguments', 'defaultListSize', 'implicitListSize', 'maxListSize'] as const;

export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  depth: 15,
  aliases: 30,
  directives: 50,
  rootFields: 30,
  fieldDuplicates: 50,
  operations: 5,
  // Half of GitHub's 500,000-node limit; the cost counts connection and node objects both.
  cost: 250_000,
});

/** Upper bound of a single weight: keeps sums far from floating-point trouble. */
const MAX_WEIGHT = 1_000_000;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** `graphql.cost.fields["Query.search"]`: map keys are quoted so dotted keys stay readable. */
export function keyPath(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

function readRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new PolicyError(path, `expected an object, got ${describeValue(value)}`);
  return value;
}

function readTypeName(key: string, path: string): string {
  if (!NAME.test(key)) throw new PolicyError(path, 'expected a GraphQL type name');
  return key;
}

function readCoordinate(key: string, path: string): string {
  const dot = key.indexOf('.');
  if (dot < 0 || !NAME.test(key.slice(0, dot)) || !NAME.test(key.slice(dot + 1))) {
    throw new PolicyError(path, "expected a field coordinate 'Type.field'");
  }
  return key;
}

function readWeights(value: unknown, path: string, readKey: (key: string, path: string) => string): Map<string, number> {
  const weights = new Map<string, number>();
  if (value === undefined) return weights;
  for (const [key, weight] of Object.entries(readRecord(value, path))) {
    const itemPath = keyPath(path, key);
    weights.set(readKey(key, itemPath), readNumber(weight, itemPath, 0, MAX_WEIGHT));
  }
  return weights;
}

function readRequirement(value: unknown, path: string): ResolvedRequirement {
  const o = readObject(value, path, ['scopes', 'roles']);
  const scopes = o['scopes'] === undefined ? [] : readStringArray(o['scopes'], childPath(path, 'scopes'));
  const roles = o['roles'] === undefined ? [] : readStringArray(o['roles'], childPath(path, 'roles'));
  if (scopes.length === 0 && roles.length === 0) {
    throw new PolicyError(path, 'expected at least one scope or role');
  }
  return Object.freeze({ scopes: Object.freeze(scopes), roles: Object.freeze(roles) });
}

function readRequirements(
  value: unknown,
  path: string,
  readKey: (key: string, path: string) => string,
): Map<string, ResolvedRequirement> {
  const rules = new Map<string, ResolvedRequirement>();
  if (value === undefined) return rules;
  for (const [key, rule] of Object.entries(readRecord(value, path))) {
    const itemPath = keyPath(path, key);
    rules.set(readKey(key, itemPath), readRequirement(rule, itemPath));
  }
  return rules;
}

function readIntrospection(value: unknown, path: string): ResolvedIntrospection {
  if (value === undefined || value === 'deny') return { kind: 'deny' };
  if (value === 'allow') return { kind: 'allow' };
  if (typeof value === 'string') readEnum(value, path, ['allow', 'deny']);
  const o = readObject(value, path, ['allowRoles', 'allowScopes']);
  const roles = o['allowRoles'] === undefined ? [] : readStringArray(o['allowRoles'], childPath(path, 'allowRoles'));
  const scopes = o['allowScopes'] === undefined ? [] : readStringArray(o['allowScopes'], childPath(path, 'allowScopes'));
  if (roles.length === 0 && scopes.length === 0) {
    throw new PolicyError(path, 'expected allowRoles or allowScopes (use "deny" to refuse everyone)');
  }
  return { kind: 'identity', roles, scopes };
}

function readHash(value: unknown, path: string): string {
  const text = readString(value, path).toLowerCase();
  if (!HEX_SHA256.test(text)) throw new PolicyError(path, 'expected a hex sha256 (64 hex digits)');
  return text;
}

function readTrustedDocuments(
  value: unknown,
  path: string,
  hashText: (text: string) => string,
): ResolvedTrustedDocuments | undefined {
  const o = readOptionalObject(value, path, ['sha256', 'mode', 'documents']);
  if (o === undefined) return undefined;
  const mode = readEnum(o['mode'], childPath(path, 'mode'), ['enforce', 'report']);
  const hashes = new Set<string>();
  if (o['sha256'] !== undefined) {
    const listPath = childPath(path, 'sha256');
    readArray(o['sha256'], listPath).forEach((item, index) => hashes.add(readHash(item, childPath(listPath, index))));
  }
  const documents = new Map<string, string>();
  if (o['documents'] !== undefined) {
    const documentsPath = childPath(path, 'documents');
    for (const [key, text] of Object.entries(readRecord(o['documents'], documentsPath))) {
      const itemPath = keyPath(documentsPath, key);
      const hash = readHash(key, itemPath);
      // A mismatched key would trust one text under another's name: refuse it at start-up.
      if (hashText(readString(text, itemPath)) !== hash) {
        throw new PolicyError(itemPath, 'the sha256 of the document text does not match its key');
      }
      documents.set(hash, text as string);
      hashes.add(hash);
    }
  }
  if (hashes.size === 0) throw new PolicyError(path, 'expected at least one hash in sha256 or documents');
  return { mode, hashes, documents };
}

export function readAnalyzerOptions(
  value: unknown,
  path: string,
  hashText: (text: string) => string,
): ResolvedAnalyzerOptions {
  const o = value === undefined ? {} : readObject(value, path, TOP_KEYS);
  const schema = o['schema'];
  if (schema !== undefined && typeof schema !== 'string' && (schema === null || typeof schema !== 'object')) {
    throw new PolicyError(childPath(path, 'schema'), `expected SDL text or a GraphQLSchema, got ${describeValue(schema)}`);
  }
  const limitsPath = childPath(path, 'limits');
  const l = readOptionalObject(o['limits'], limitsPath, LIMIT_KEYS) ?? {};
  const limit = (key: (typeof LIMIT_KEYS)[number]): number =>
    l[key] === undefined ? DEFAULT_LIMITS[key] : readInteger(l[key], childPath(limitsPath, key), { min: key === 'fieldDuplicates' ? 0 : 1 });
  const limits: ResolvedLimits = Object.freeze({
    // Bounded: the parser recurses per nesting level, and the nesting allowed follows this limit.
    depth: l['depth'] === undefined ? DEFAULT_LIMITS.depth : readInteger(l['depth'], childPath(limitsPath, 'depth'), { min: 1, max: 1_000 }),
    aliases: l['aliases'] === undefined ? DEFAULT_LIMITS.aliases : readInteger(l['aliases'], childPath(limitsPath, 'aliases'), { min: 0 }),
    directives:
      l['directives'] === undefined ? DEFAULT_LIMITS.directives : readInteger(l['directives'], childPath(limitsPath, 'directives'), { min: 0 }),
    rootFields: limit('rootFields'),
    fieldDuplicates: limit('fieldDuplicates'),
    operations: limit('operations'),
    cost: l['cost'] === undefined ? DEFAULT_LIMITS.cost : readNumber(l['cost'], childPath(limitsPath, 'cost'), 0, Number.MAX_SAFE_INTEGER),
  });
  const costPath = childPath(path, 'cost');
  const c = readOptionalObject(o['cost'], costPath, COST_KEYS) ?? {};
  const weight = (key: 'defaultField' | 'defaultScalar', fallback: number): number =>
    c[key] === undefined ? fallback : readNumber(c[key], childPath(costPath, key), 0, MAX_WEIGHT);
  const maxListSize = c['maxListSize'] === undefined ? 1_000 : readInteger(c['maxListSize'], childPath(costPath, 'maxListSize'), { min: 1, max: 1_000_000 });
  const defaultListSize =
    c['defaultListSize'] === undefined ? 10 : readInteger(c['defaultListSize'], childPath(costPath, 'defaultListSize'), { min: 0, max: 1_000_000 });
  const implicitListSize =
    c['implicitListSize'] === undefined ? 1 : readInteger(c['implicitListSize'], childPath(costPath, 'implicitListSize'), { min: 0, max: 1_000_000 });
  if (implicitListSize > maxListSize) {
    throw new PolicyError(childPath(costPath, 'implicitListSize'), `expected at most maxListSize (${maxListSize})`);
  }
  if (defaultListSize > maxListSize) {
    throw new PolicyError(childPath(costPath, 'defaultListSize'), `expected at most maxListSize (${maxListSize})`);
  }
  const listArguments = c['listArguments'] === undefined ? ['first', 'last', 'limit'] : readStringArray(c['listArguments'], childPath(costPath, 'listArguments'));
  listArguments.forEach((name, index) => {
    if (!NAME.test(name)) throw new PolicyError(childPath(childPath(costPath, 'listArguments'), index), 'expected a GraphQL argument name');
  });
  const cost: ResolvedCost = Object.freeze({
    defaultField: weight('defaultField', 1),
    defaultScalar: weight('defaultScalar', 0),
    types: readWeights(c['types'], childPath(costPath, 'types'), readTypeName),
    fields: readWeights(c['fields'], childPath(costPath, 'fields'), readCoordinate),
    listArguments: Object.freeze(listArguments),
    defaultListSize,
    implicitListSize,
    maxListSize,
  });
  const authPath = childPath(path, 'authorization');
  const a = readOptionalObject(o['authorization'], authPath, ['types', 'fields']) ?? {};
  return Object.freeze({
    schema: schema as string | GraphQLSchema | undefined,
    maxTokens: o['maxTokens'] === undefined ? 5_000 : readInteger(o['maxTokens'], childPath(path, 'maxTokens'), { min: 1, max: 1_000_000 }),
    maxDocumentBytes:
      o['maxDocumentBytes'] === undefined ? 100_000 : readInteger(o['maxDocumentBytes'], childPath(path, 'maxDocumentBytes'), { min: 1, max: 100_000_000 }),
    limits,
    cost,
    introspection: readIntrospection(o['introspection'], childPath(path, 'introspection')),
    trustedDocuments: readTrustedDocuments(o['trustedDocuments'], childPath(path, 'trustedDocuments'), hashText),
    authorization: Object.freeze({
      types: readRequirements(a['types'], childPath(authPath, 'types'), readTypeName),
      fields: readRequirements(a['fields'], childPath(authPath, 'fields'), readCoordinate),
    }),
    cacheSize: o['cacheSize'] === undefined ? 1_000 : readInteger(o['cacheSize'], childPath(path, 'cacheSize'), { min: 0, max: 1_000_000 }),
  });
}
