import { PolicyError, isPlainObject, type Identity } from '@portcullis/core';
import { GRAPHQL_DENY_CODES, type GraphQLDenyCode } from './codes.js';
import { DocumentCache } from './document-cache.js';
import { prepareDocument, type PreparedDocument } from './document.js';
import { keyPath, readAnalyzerOptions, type AnalyzerOptions, type ResolvedAnalyzerOptions, type ResolvedRequirement } from './options.js';
import { parseDocument } from './parse.js';
import { loadSchema, type TypeIndex } from './schema.js';
import { documentHash, readPersistedQuery } from './trusted-documents.js';
import { selectOperation, walkOperation } from './walk.js';

export interface GraphQLRequestInput {
  /** Absent only with a persisted-query extension. */
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

export interface GraphQLMetrics {
  depth: number;
  aliases: number;
  directives: number;
  rootFields: number;
  fieldDuplicates: number;
  operations: number;
  cost: number;
  introspection: boolean;
  tokens: number;
  /** Present when trusted documents are configured: whether the document is on the allowlist. */
  trusted?: boolean;
}

export type Analysis =
  | { ok: true; metrics: GraphQLMetrics; documentHash: string }
  | {
      ok: false;
      code: GraphQLDenyCode;
      status: number;
      metrics?: GraphQLMetrics;
      /** Safe, fixed text; never an echo of the query. */
      detail?: string;
      /** The limit that was exceeded: for the transport to expose only when configured to. */
      limit?: number;
    };

export interface Analyzer {
  /** Synchronous. Never throws on any input; never recurses unboundedly. */
  analyze(request: GraphQLRequestInput, identity?: Identity): Analysis;
  /** Schema quirks found at creation (e.g. an SDL that only loads without validation). */
  readonly warnings: readonly string[];
}

/** Cached parsed documents may hold this many tokens per cache entry on average. */
const CACHE_TOKENS_PER_ENTRY = 500;
/** Brace/bracket nesting allowed beyond the depth limit (arguments and input objects nest too). */
const NESTING_MARGIN = 64;

function refuse(
  code: GraphQLDenyCode,
  detail: string | undefined,
  metrics?: GraphQLMetrics,
  limit?: number,
): Analysis {
  const analysis: Analysis = { ok: false, code, status: GRAPHQL_DENY_CODES[code].status };
  if (detail !== undefined) analysis.detail = detail;
  if (metrics !== undefined) analysis.metrics = metrics;
  if (limit !== undefined) analysis.limit = limit;
  return analysis;
}

function holdsAll(held: readonly string[], required: readonly string[]): boolean {
  for (const item of required) if (!held.includes(item)) return false;
  return true;
}

function holdsAny(held: readonly string[], allowed: readonly string[]): boolean {
  for (const item of allowed) if (held.includes(item)) return true;
  return false;
}

function satisfies(identity: Identity | undefined, requirement: ResolvedRequirement): boolean {
  if (identity === undefined) return false;
  return holdsAll(identity.scopes, requirement.scopes) && holdsAll(identity.roles, requirement.roles);
}

/** Every scope and every role of both (rules require all they list, so the merge is the stricter). */
function mergeRequirements(a: ResolvedRequirement | undefined, b: ResolvedRequirement): ResolvedRequirement {
  if (a === undefined) return b;
  return { scopes: [...new Set([...a.scopes, ...b.scopes])], roles: [...new Set([...a.roles, ...b.roles])] };
}

/**
 * A protected field stays protected when it is reached through an interface its type implements
 * (`node(id) { ... on HasSecret { secret } }`): its rule is copied onto the same field of those
 * interfaces at start-up. A type rule cannot be copied the same way without protecting every other
 * type behind the same interface (a Relay `node` would need the strictest role of all): it applies
 * to type conditions on the type and to fields returning it, and the returned warnings name the
 * interfaces and unions through which its shared fields stay reachable (protect those with field rules).
 */
function extendRulesToAbstractTypes(options: ResolvedAnalyzerOptions, index: TypeIndex): string[] {
  const fields = options.authorization.fields as Map<string, ResolvedRequirement>;
  for (const [coordinate, rule] of [...fields]) {
    const dot = coordinate.indexOf('.');
    const typeName = coordinate.slice(0, dot);
    const fieldName = coordinate.slice(dot + 1);
    for (const abstract of index.abstractTypesOf.get(typeName) ?? []) {
      if (index.types.get(abstract)?.has(fieldName) === true) fields.set(`${abstract}.${fieldName}`, mergeRequirements(fields.get(`${abstract}.${fieldName}`), rule));
    }
  }
  const warnings: string[] = [];
  for (const typeName of options.authorization.types.keys()) {
    const abstracts = index.abstractTypesOf.get(typeName) ?? [];
    if (abstracts.length > 0) {
      warnings.push(`authorization.types["${typeName}"]: the type is also reachable as ${abstracts.join(', ')}; fields it shares with them are guarded only by field rules on those types`);
    }
  }
  return warnings;
}

function introspectionAllowed(options: ResolvedAnalyzerOptions, identity: Identity | undefined): boolean {
  const rule = options.introspection;
  if (rule.kind === 'allow') return true;
  if (rule.kind === 'deny' || identity === undefined) return false;
  return holdsAny(identity.roles, rule.roles) || holdsAny(identity.scopes, rule.scopes);
}

/** Option keys naming types or fields must exist when a schema is given: a typo must fail start-up. */
function checkNamesAgainstSchema(options: ResolvedAnalyzerOptions, index: TypeIndex, path: string): void {
  const typeMaps: Array<[string, Iterable<string>]> = [
    [`${path}.cost.types`, options.cost.types.keys()],
    [`${path}.authorization.types`, options.authorization.types.keys()],
  ];
  for (const [mapPath, keys] of typeMaps) {
    for (const key of keys) {
      if (!index.names.has(key)) throw new PolicyError(keyPath(mapPath, key), 'no such type in the schema');
    }
  }
  const fieldMaps: Array<[string, Iterable<string>]> = [
    [`${path}.cost.fields`, options.cost.fields.keys()],
    [`${path}.authorization.fields`, options.authorization.fields.keys()],
  ];
  for (const [mapPath, keys] of fieldMaps) {
    for (const key of keys) {
      const dot = key.indexOf('.');
      if (index.types.get(key.slice(0, dot))?.has(key.slice(dot + 1)) !== true) {
        throw new PolicyError(keyPath(mapPath, key), 'no such field in the schema');
      }
    }
  }
}

function readRequest(request: unknown):
  | { ok: true; query: string | undefined; variables: Record<string, unknown> | undefined; operationName: string | undefined; extensions: Record<string, unknown> | undefined }
  | { ok: false; detail: string } {
  if (!isPlainObject(request)) return { ok: false, detail: 'request is not an object' };
  const { query, variables, operationName, extensions } = request;
  if (query !== undefined && query !== null && typeof query !== 'string') return { ok: false, detail: 'query is not a string' };
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) return { ok: false, detail: 'variables is not an object' };
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return { ok: false, detail: 'operationName is not a string' };
  }
  if (extensions !== undefined && extensions !== null && !isPlainObject(extensions)) return { ok: false, detail: 'extensions is not an object' };
  return {
    ok: true,
    query: typeof query === 'string' ? query : undefined,
    variables: isPlainObject(variables) ? variables : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    extensions: isPlainObject(extensions) ? extensions : undefined,
  };
}

/**
 * Creates the analyzer: options are validated (errors name their path) and the schema indexed once.
 * `analyze` parses each distinct document once (cached by sha256, bounded), walks the selected
 * operation once, then applies the identity-dependent checks (introspection, field authorization).
 */
export function createAnalyzer(options?: AnalyzerOptions, path = 'graphql'): Analyzer {
  const resolved = readAnalyzerOptions(options, path, documentHash);
  let index: TypeIndex | undefined;
  let warnings: readonly string[] = [];
  if (resolved.schema !== undefined) {
    const loaded = loadSchema(resolved.schema, `${path}.schema`);
    index = loaded.index;
    warnings = Object.freeze([...loaded.warnings]);
    checkNamesAgainstSchema(resolved, index, path);
    warnings = Object.freeze([...warnings, ...extendRulesToAbstractTypes(resolved, index)]);
  } else {
    // Without a schema, nested fields have no known parent type: a type rule or a rule below the
    // root would silently never apply.
    const nested = [...resolved.authorization.fields.keys()].filter((k) => !/^(Query|Mutation|Subscription)\./.test(k));
    if (resolved.authorization.types.size > 0) throw new PolicyError(`${path}.authorization.types`, 'type rules need a `schema` (without one, the type of a selection is unknown)');
    if (nested.length > 0) throw new PolicyError(keyPath(`${path}.authorization.fields`, nested[0] as string), 'rules below the root need a `schema` (without one, the type of a selection is unknown)');
  }
  const cache = new DocumentCache(resolved.cacheSize, resolved.cacheSize * CACHE_TOKENS_PER_ENTRY);
  const limits = resolved.limits;
  const trustedDocuments = resolved.trustedDocuments;
  const maxNesting = limits.depth + NESTING_MARGIN;

  function prepare(hash: string, text: string): PreparedDocument | Analysis {
    const cached = cache.get(hash);
    if (cached !== undefined) return cached;
    const parsed = parseDocument(text, resolved.maxTokens, maxNesting);
    if (!parsed.ok) {
      if (parsed.reason === 'too-large') return refuse('graphql_document_too_large', 'too many tokens', undefined, resolved.maxTokens);
      if (parsed.reason === 'too-deep') return refuse('graphql_depth_exceeded', 'nesting too deep', undefined, limits.depth);
      return refuse('graphql_invalid', 'syntax error');
    }
    const prepared = prepareDocument(parsed.document, parsed.tokens);
    // Invalid documents are cached too: a repeated bad document costs one hash and one lookup.
    cache.set(hash, prepared);
    return prepared;
  }

  function analyzeUnsafe(request: GraphQLRequestInput, identity: Identity | undefined): Analysis {
    const input = readRequest(request);
    if (!input.ok) return refuse('graphql_invalid', input.detail);
    const persisted = readPersistedQuery(input.extensions);
    if (persisted.kind === 'malformed') return refuse('graphql_invalid', 'malformed persisted query extension');
    let hash: string;
    let prepared: PreparedDocument | Analysis | undefined;
    if (input.query === undefined) {
      if (persisted.kind !== 'hash') return refuse('graphql_invalid', 'query missing');
      hash = persisted.sha256;
      const text = trustedDocuments?.documents.get(hash);
      // A hash alone works for registered documents and for documents this analyzer has already parsed.
      prepared = text === undefined ? cache.get(hash) : prepare(hash, text);
      if (prepared === undefined) return refuse('graphql_invalid', 'persisted query not found');
    } else {
      if (input.query.length > resolved.maxDocumentBytes) {
        return refuse('graphql_document_too_large', 'document too large', undefined, resolved.maxDocumentBytes);
      }
      hash = documentHash(input.query);
      if (persisted.kind === 'hash' && persisted.sha256 !== hash) return refuse('graphql_invalid', 'persisted query hash mismatch');
    }
    const trusted = trustedDocuments === undefined ? undefined : trustedDocuments.hashes.has(hash);
    // Refused before parsing: an untrusted document costs one hash, not a parse.
    if (trusted === false && trustedDocuments?.mode === 'enforce') return refuse('graphql_document_not_trusted', undefined);
    if (prepared === undefined) prepared = prepare(hash, input.query as string);
    if (!('operations' in prepared)) return prepared;
    const document = prepared;
    const metrics: GraphQLMetrics = {
      depth: 0,
      aliases: 0,
      directives: 0,
      rootFields: 0,
      fieldDuplicates: 0,
      operations: document.operations.length,
      cost: 0,
      introspection: false,
      tokens: document.tokens,
    };
    if (trusted !== undefined) metrics.trusted = trusted;
    if (document.operations.length > limits.operations) {
      return refuse('graphql_operations_exceeded', 'too many operations', metrics, limits.operations);
    }
    if (document.problem !== undefined) return refuse('graphql_invalid', document.problem, metrics);
    const operation = selectOperation(document, input.operationName);
    if (operation === undefined) {
      return refuse('graphql_invalid', input.operationName === undefined ? 'operationName required' : 'unknown operationName', metrics);
    }
    const walked = walkOperation(document, operation, input.variables, index, resolved);
    if (!walked.ok) {
      return walked.reason === 'too-large'
        ? refuse('graphql_document_too_large', walked.detail, metrics)
        : refuse('graphql_invalid', walked.detail, metrics);
    }
    Object.assign(metrics, walked.metrics);
    if (metrics.cost > Number.MAX_SAFE_INTEGER || Number.isNaN(metrics.cost)) metrics.cost = Number.MAX_SAFE_INTEGER;
    if (metrics.depth > limits.depth) return refuse('graphql_depth_exceeded', 'query too deep', metrics, limits.depth);
    if (metrics.aliases > limits.aliases) return refuse('graphql_aliases_exceeded', 'too many aliases', metrics, limits.aliases);
    if (metrics.directives > limits.directives) return refuse('graphql_directives_exceeded', 'too many directives', metrics, limits.directives);
    if (metrics.rootFields > limits.rootFields) return refuse('graphql_root_fields_exceeded', 'too many root fields', metrics, limits.rootFields);
    if (metrics.fieldDuplicates > limits.fieldDuplicates) {
      return refuse('graphql_duplicate_fields', 'too many duplicate fields', metrics, limits.fieldDuplicates);
    }
    if (metrics.cost > limits.cost) return refuse('graphql_cost_exceeded', 'query too expensive', metrics, limits.cost);
    if (metrics.introspection && !introspectionAllowed(resolved, identity)) {
      return refuse('graphql_introspection_refused', 'introspection not allowed', metrics);
    }
    for (const coordinate of walked.guardedFields) {
      const rule = resolved.authorization.fields.get(coordinate);
      if (rule !== undefined && !satisfies(identity, rule)) return refuse('graphql_field_forbidden', undefined, metrics);
    }
    for (const type of walked.guardedTypes) {
      const rule = resolved.authorization.types.get(type);
      if (rule !== undefined && !satisfies(identity, rule)) return refuse('graphql_field_forbidden', undefined, metrics);
    }
    return { ok: true, metrics, documentHash: hash };
  }

  return Object.freeze({
    warnings,
    analyze(request: GraphQLRequestInput, identity?: Identity): Analysis {
      try {
        return analyzeUnsafe(request, identity);
      } catch {
        // Unreachable by design (every input is checked); a refusal is still the only safe answer.
        return refuse('graphql_invalid', 'request could not be analyzed');
      }
    },
  });
}
