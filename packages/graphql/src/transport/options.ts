import {
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  describeValue,
  isPlainObject,
  readArray,
  readCommonGuardOptions,
  readEnum,
  readInteger,
  readObject,
  type CommonGuardOptions,
  type FailureMode,
  type Mode,
  type PolicyPath,
} from '@portcullis/core';
import type { AnalyzerOptions } from '../analyzer/index.js';

/** The HTTP methods GraphQL-over-HTTP defines: GET for queries, POST for everything. */
export type GraphQLMethod = 'GET' | 'POST';

export interface GraphQLBatchOptions {
  /** The most requests one batched (JSON array) body may carry. Default 5. */
  readonly maxOperations?: number;
}

/** Options of the route guard: every analyzer option, plus how requests arrive over HTTP. */
export interface GraphQLGuardOptions extends AnalyzerOptions {
  /** Batched requests (a JSON array of requests in one POST): their limit, or `false` to refuse arrays. Default `{ maxOperations: 5 }`. */
  readonly batch?: GraphQLBatchOptions | false;
  /** The methods the endpoint accepts. Default `['GET', 'POST']`; others are 405. */
  readonly methods?: readonly GraphQLMethod[];
  /**
   * How refusals are rendered: `problem` (default, problem+json like every Portcullis refusal) or
   * `graphql` (`{"errors":[{"message","extensions":{"code",…}}]}` as
   * application/graphql-response+json, with the same status), for clients that read only GraphQL errors.
   */
  readonly errorFormat?: 'problem' | 'graphql';
  readonly id?: string;
  readonly mode?: Mode;
  /** What an unexpected failure of the guard does. Default `deny` (503). */
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
}

/** The keys the transport reads itself; every other key goes to the analyzer, which refuses unknown ones. */
const TRANSPORT_KEYS = ['batch', 'methods', 'errorFormat', ...COMMON_GUARD_KEYS] as const;
const BATCH_KEYS = ['maxOperations'] as const;
const DEFAULT_MAX_BATCH = 5;
/** A batch is executed request by request by the server; a hundred is already far past any real client's need. */
const MAX_BATCH = 100;
const METHODS: readonly GraphQLMethod[] = ['GET', 'POST'];

export interface CompiledTransportOptions {
  readonly common: CommonGuardOptions;
  /** 0 when batches are refused. */
  readonly maxBatch: number;
  readonly methods: ReadonlySet<string>;
  /** The `Allow` header of a 405, e.g. `GET, POST`. */
  readonly allowHeader: string;
  /** The options left for `createAnalyzer`. */
  readonly analyzer: AnalyzerOptions;
  readonly errorFormat: 'problem' | 'graphql';
}

/** Reads the transport options and splits off the analyzer's. Every bad value is a start-up error naming its path. */
export function readTransportOptions(options: unknown, path: PolicyPath): CompiledTransportOptions {
  if (!isPlainObject(options)) throw new PolicyError(path, `expected an object, got ${describeValue(options)}`);
  const analyzer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!(TRANSPORT_KEYS as readonly string[]).includes(key)) analyzer[key] = value;
  }
  const common = readCommonGuardOptions(options, path, { id: 'graphql', onError: 'deny' });

  const errorFormat = readEnum<'problem' | 'graphql'>(options['errorFormat'], childPath(path, 'errorFormat'), ['problem', 'graphql'], 'problem');

  let maxBatch = DEFAULT_MAX_BATCH;
  const batch = options['batch'];
  if (batch === false) {
    maxBatch = 0;
  } else if (batch !== undefined) {
    const batchPath = childPath(path, 'batch');
    if (!isPlainObject(batch)) throw new PolicyError(batchPath, `expected an object or false, got ${describeValue(batch)}`);
    const b = readObject(batch, batchPath, BATCH_KEYS);
    if (b['maxOperations'] !== undefined) maxBatch = readInteger(b['maxOperations'], childPath(batchPath, 'maxOperations'), { min: 1, max: MAX_BATCH });
  }

  let methods: GraphQLMethod[] = [...METHODS];
  if (options['methods'] !== undefined) {
    const methodsPath = childPath(path, 'methods');
    const listed = readArray(options['methods'], methodsPath, { nonEmpty: true });
    methods = listed.map((m, i) => readEnum<GraphQLMethod>(m, childPath(methodsPath, i), METHODS));
    const seen = new Set<string>();
    methods.forEach((m, i) => {
      if (seen.has(m)) throw new PolicyError(childPath(methodsPath, i), `${m} is listed twice`);
      seen.add(m);
    });
  }

  return Object.freeze({
    common,
    maxBatch,
    methods: new Set<string>(methods),
    allowHeader: methods.join(', '),
    analyzer: analyzer as AnalyzerOptions,
    errorFormat,
  });
}
