// Portcullis's GraphQL analyzer against graphql-armor (and graphql-depth-limit) on the same documents:
// with equivalent limits on both sides, Portcullis refuses exactly when the peer refuses, for the
// dimensions whose semantics match. Documents: the whole corpus of test/corpora/graphql (GitHub, Saleor,
// SWAPI) and attack documents (deep, many aliases, many directives, through fragments too). Every
// document is compared at the limits where a decision flips (its own count - 1, count, count + 1) and
// at a few fixed ones, one dimension at a time (the others left far above the documents).
//
// Conventions, and where they differ (each difference has its own assertion at the end):
// - Depth. Portcullis: the root selection's fields are depth 1, a field's children one more; inline
//   and named fragments add no level; `__typename` is no level; `__schema` / `__type` count like any
//   field. graphql-armor max-depth has the same root convention; with `flattenFragments: true`
//   fragments add no level and with `ignoreIntrospection: false` it counts `__schema` (by default it
//   gives `__schema` depth 0 and counts every fragment as a level). It counts `__typename` as a level:
//   the depth comparison leaves out documents that select `__typename`.
//   graphql-depth-limit: root fields are depth 0 (so `depthLimit(n - 1)` is our `depth: n`); it
//   gives every field starting with `__` depth 0 (introspection is not measured), but checks the limit
//   on entering each field, `__typename` included, so a `__typename` at the deepest level counts for
//   its refusal: its comparison leaves out documents that select `__typename`, `__schema` or `__type`.
//   It reports one error per field over the limit while graphql-js creates the rule, outside
//   `validate`'s own abort handling: past 100 errors `validate` throws graphql-js's internal abort
//   object instead of returning errors (counted here as a refusal, which it is in effect).
// - Aliases. Both count every alias over the expanded document (a fragment spread twice counts its
//   aliases twice). graphql-armor's default `allowList: ['__typename']` skips aliases of
//   `__typename`; we count them, so the comparison runs armor with `allowList: []`.
// - Directives. Both count the operation's, every selection's and the spread fragments' own
//   directives over the expanded document. graphql-armor forgets the directives written on a
//   fragment spread when the same fragment was spread before (its per-fragment memo returns early).
// - Operations. graphql-armor and graphql-depth-limit check every operation of the document;
//   Portcullis checks the operation that will run (operationName). The comparison documents hold one
//   operation each.
// - Nesting. Before parsing, Portcullis refuses text whose brackets nest deeper than the depth limit
//   plus 64 (graphql-js parses recursively); graphql-armor has no such bound.
// - Cost is not compared: the formulas differ (armor: objectCost 2, scalarCost 1, each level multiplied
//   by depthCostFactor 1.5, `first`/`last` literals only; Portcullis: per-field weights times list sizes).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { createAnalyzer, type Analyzer, type AnalyzerOptions } from '@portcullis/graphql';
import { buildSchema, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

// graphql-depth-limit is CommonJS without types: `depthLimit(maxDepth)` is a validation rule.
const depthLimit = createRequire(import.meta.url)('graphql-depth-limit') as (maxDepth: number) => ValidationRule;

type Dimension = 'depth' | 'aliases' | 'directives';

const REFUSAL_CODE: Record<Dimension, string> = {
  depth: 'graphql_depth_exceeded',
  aliases: 'graphql_aliases_exceeded',
  directives: 'graphql_directives_exceeded',
};
/** The smallest limit each side accepts (`depth: 0` would refuse every operation). */
const MIN_LIMIT: Record<Dimension, number> = { depth: 1, aliases: 0, directives: 0 };
/** Limits tried on every document besides the ones around its own count. */
const FIXED_LIMITS = [1, 2, 5, 10, 15, 30, 50];

/** Every other limit far above the documents, so that only the dimension under test can refuse. */
const LOOSE_LIMITS = {
  depth: 1_000,
  aliases: 100_000,
  directives: 100_000,
  rootFields: 100_000,
  fieldDuplicates: 100_000,
  operations: 100,
  cost: Number.MAX_SAFE_INTEGER,
};

interface Sample {
  readonly corpus: string;
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly document: DocumentNode;
}

interface Corpus {
  readonly id: string;
  readonly schema: GraphQLSchema;
  readonly samples: readonly Sample[];
}

const CORPORA = new URL('../corpora/graphql/', import.meta.url);

function readCorpusQueries(id: string): Array<{ name: string; query: string; variables?: Record<string, unknown> }> {
  if (id !== 'swapi') return JSON.parse(readFileSync(new URL(`${id}/queries.json`, CORPORA), 'utf8')) as Array<{ name: string; query: string; variables?: Record<string, unknown> }>;
  // SWAPI has one `.graphql` file per example query.
  const dir = new URL('swapi/queries/', CORPORA);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file, query: readFileSync(new URL(file, dir), 'utf8') }));
}

function loadCorpus(id: string): Corpus {
  // GitHub's SDL declares two fields twice: graphql-js builds it only without SDL validation.
  const schema = buildSchema(readFileSync(new URL(`${id}/schema.graphql`, CORPORA), 'utf8'), { assumeValidSDL: true });
  const samples = readCorpusQueries(id).map((q) => ({ corpus: id, name: q.name, query: q.query, variables: q.variables, document: parse(q.query) }));
  return { id, schema, samples };
}

const corpora = ['github', 'saleor', 'swapi'].map(loadCorpus);

/** The attack documents' schema: users with friends, recursive at will. */
const ATTACK_SCHEMA = buildSchema(`
  type Query { user(id: ID): User, users(first: Int): [User!]! }
  type User { id: ID!, name: String, friends(first: Int): [User!]! }
`);

function attack(name: string, query: string): Sample {
  return { corpus: 'attack', name, query, variables: undefined, document: parse(query) };
}

/** `{ user { friends { … { name } } } }` with `name` at depth `depth`. */
function deepQuery(depth: number): string {
  return `{ user { ${'friends { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;
}

/** The same depth through a chain of named fragments, each one level deeper. */
function deepThroughFragments(depth: number): string {
  const fragments = [];
  for (let i = 1; i <= depth - 2; i += 1) fragments.push(`fragment F${i} on User { friends { ${i === depth - 2 ? 'name' : `...F${i + 1}`} } }`);
  return `{ user { ...F1 } } ${fragments.join(' ')}`;
}

/** The same depth with an inline fragment wrapped around every level. */
function deepThroughInlineFragments(depth: number): string {
  return `{ user { ${'... on User { friends { '.repeat(depth - 2)}name${' } }'.repeat(depth - 2)} } }`;
}

const ATTACKS: readonly Sample[] = [
  ...[3, 10, 25, 60].map((d) => attack(`deep ${d}`, deepQuery(d))),
  ...[4, 12, 30].map((d) => attack(`deep ${d} through named fragments`, deepThroughFragments(d))),
  ...[4, 12, 30].map((d) => attack(`deep ${d} through inline fragments`, deepThroughInlineFragments(d))),
  ...[5, 31, 200].map((n) => attack(`${n} aliased root fields`, `{ ${Array.from({ length: n }, (_, i) => `a${i}: user { name }`).join(' ')} }`)),
  ...[5, 51].map((n) => attack(`${n} aliased leaves`, `{ user { ${Array.from({ length: n }, (_, i) => `n${i}: name`).join(' ')} } }`)),
  attack('aliases in a fragment spread in three places', '{ a: user { ...Names } b: user { friends { ...Names } } users { ...Names } } fragment Names on User { x: name y: name z: id }'),
  attack('aliases in nested inline fragments', '{ user { ... on User { a: name ... on User { b: name c: id } } } }'),
  ...[5, 51, 300].map((n) => attack(`${n} directives on one field`, `{ user { name ${'@skip(if: false) '.repeat(n)}} }`)),
  attack('directives on the operation, fields and inline fragments', 'query Q @a @b { user @include(if: true) { ... on User @skip(if: false) { name @c } } }'),
  attack('directives on a fragment definition spread in three places', '{ a: user { ...D } b: user { ...D } users { friends { ...D } } } fragment D on User @x @y { name @z }'),
  attack('directives on spreads of different fragments', '{ user { ...A @include(if: true) ...B @skip(if: false) } } fragment A on User { name } fragment B on User { id @z }'),
];

/** Analyzers by corpus, dimension and limit: a schema is indexed once per analyzer, so they are kept. */
const analyzers = new Map<string, Analyzer>();

function analyzerFor(corpus: string, schema: GraphQLSchema, dimension: Dimension | undefined, limit: number): Analyzer {
  const key = `${corpus}:${dimension ?? 'loose'}:${limit}`;
  let analyzer = analyzers.get(key);
  if (analyzer === undefined) {
    const options: AnalyzerOptions = {
      schema,
      maxTokens: 100_000,
      maxDocumentBytes: 1_000_000,
      limits: dimension === undefined ? LOOSE_LIMITS : { ...LOOSE_LIMITS, [dimension]: limit },
      // SWAPI's `__type` example and the corpus's introspection queries are compared, not refused.
      introspection: 'allow',
      cacheSize: 0,
    };
    analyzer = createAnalyzer(options);
    analyzers.set(key, analyzer);
  }
  return analyzer;
}

function schemaOf(sample: Sample): GraphQLSchema {
  return corpora.find((c) => c.id === sample.corpus)?.schema ?? ATTACK_SCHEMA;
}

/** Our count for the dimension, from an analysis where nothing can refuse. */
function portcullisCount(sample: Sample, dimension: Dimension): number {
  const analysis = analyzerFor(sample.corpus, schemaOf(sample), undefined, 0).analyze({ query: sample.query, variables: sample.variables ?? null });
  assert.ok(analysis.ok, `${sample.corpus} ${sample.name}: refused with loose limits (${analysis.ok ? '' : analysis.code})`);
  return analysis.metrics[dimension];
}

/** Whether Portcullis refuses with `limit` on `dimension`; a refusal must name that dimension. */
function portcullisRefuses(sample: Sample, dimension: Dimension, limit: number, operationName?: string): boolean {
  const analysis = analyzerFor(sample.corpus, schemaOf(sample), dimension, limit).analyze({ query: sample.query, variables: sample.variables ?? null, operationName: operationName ?? null });
  if (analysis.ok) return false;
  assert.equal(analysis.code, REFUSAL_CODE[dimension], `${sample.corpus} ${sample.name} at ${dimension} ${limit}`);
  return true;
}

/** graphql-js's internal abort object escapes `validate` when graphql-depth-limit reports over 100 errors. */
function isValidationAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && !(error instanceof Error) && Object.isFrozen(error) && Object.keys(error).length === 0;
}

/** graphql-js validation with the peer's rules only: refused when a rule reports or throws (graphql-armor throws its refusals). */
function validationRefuses(schema: GraphQLSchema, document: DocumentNode, rules: readonly ValidationRule[]): boolean {
  try {
    return validate(schema, document, rules).length > 0;
  } catch (error) {
    if (error instanceof GraphQLError || isValidationAbort(error)) return true;
    throw error;
  }
}

/** graphql-armor's rule for the dimension, configured with the conventions that match ours. */
function armorRule(dimension: Dimension, limit: number): ValidationRule {
  if (dimension === 'depth') return maxDepthRule({ n: limit, flattenFragments: true, ignoreIntrospection: false });
  if (dimension === 'aliases') return maxAliasesRule({ n: limit, allowList: [] });
  return maxDirectivesRule({ n: limit });
}

function limitsAround(count: number, dimension: Dimension): number[] {
  return [...new Set([count - 1, count, count + 1, ...FIXED_LIMITS])].filter((l) => l >= MIN_LIMIT[dimension]).sort((a, b) => a - b);
}

interface Comparison {
  readonly compared: number;
  readonly refusedByBoth: number;
  readonly mismatches: readonly string[];
}

/** Both decisions at every limit around each document's count; the mismatches, named. */
function compare(samples: readonly Sample[], dimension: Dimension, peerRule: (limit: number) => ValidationRule): Comparison {
  let compared = 0;
  let refusedByBoth = 0;
  const mismatches: string[] = [];
  for (const sample of samples) {
    for (const limit of limitsAround(portcullisCount(sample, dimension), dimension)) {
      const ours = portcullisRefuses(sample, dimension, limit);
      const theirs = validationRefuses(schemaOf(sample), sample.document, [peerRule(limit)]);
      compared += 1;
      if (ours && theirs) refusedByBoth += 1;
      if (ours !== theirs) mismatches.push(`${sample.corpus} ${sample.name} at ${dimension} ${limit}: Portcullis ${ours ? 'refuses' : 'accepts'}, the peer ${theirs ? 'refuses' : 'accepts'}`);
    }
  }
  return { compared, refusedByBoth, mismatches };
}

const corpusSamples = corpora.flatMap((c) => c.samples);
const selects = (sample: Sample, pattern: RegExp): boolean => pattern.test(sample.query);

/** Asserts identical decisions, and that the comparison saw both outcomes (it could have failed). */
function assertSameDecisions(result: Comparison): void {
  assert.deepEqual(result.mismatches, []);
  assert.ok(result.refusedByBoth > 0, 'no document was refused at any limit: the comparison proves nothing');
  assert.ok(result.refusedByBoth < result.compared, 'every document was refused at every limit: the comparison proves nothing');
}

describe('depth: the same decisions as graphql-armor max-depth (flattenFragments, introspection counted)', () => {
  const withoutTypename = (samples: readonly Sample[]) => samples.filter((s) => !selects(s, /\b__typename\b/));

  test('corpus documents that select no __typename', () => {
    const samples = withoutTypename(corpusSamples);
    assert.ok(samples.length > 300, `only ${samples.length} corpus documents compared`);
    assertSameDecisions(compare(samples, 'depth', (n) => armorRule('depth', n)));
  });

  test('deep attack documents, plain and through named and inline fragments', () => {
    assertSameDecisions(compare(withoutTypename(ATTACKS), 'depth', (n) => armorRule('depth', n)));
  });
});

describe('depth: the same decisions as graphql-depth-limit with its limit one lower (its root fields are depth 0)', () => {
  const withoutDunderFields = (samples: readonly Sample[]) => samples.filter((s) => !selects(s, /\b__(typename|schema|type)\b/));

  test('corpus documents that select no __typename, __schema or __type', () => {
    const samples = withoutDunderFields(corpusSamples);
    assert.ok(samples.length > 300, `only ${samples.length} corpus documents compared`);
    assertSameDecisions(compare(samples, 'depth', (n) => depthLimit(n - 1)));
  });

  test('deep attack documents', () => {
    assertSameDecisions(compare(withoutDunderFields(ATTACKS), 'depth', (n) => depthLimit(n - 1)));
  });
});

describe('aliases: the same decisions as graphql-armor max-aliases (allowList: [])', () => {
  test('every corpus document', () => {
    assertSameDecisions(compare(corpusSamples, 'aliases', (n) => armorRule('aliases', n)));
  });

  test('alias attack documents, through fragments spread several times', () => {
    assertSameDecisions(compare(ATTACKS, 'aliases', (n) => armorRule('aliases', n)));
  });
});

describe('directives: the same decisions as graphql-armor max-directives', () => {
  // graphql-armor drops the directives of a repeated spread of one fragment (see the known differences).
  const withoutRepeatedSpreadDirectives = (samples: readonly Sample[]) =>
    samples.filter((s) => {
      const spreads = [...s.query.matchAll(/\.\.\.\s*([_A-Za-z]\w*)\s*@/g)].map((m) => m[1]);
      return spreads.every((name) => name === 'on' || s.query.split(new RegExp(`\\.\\.\\.\\s*${name}\\b`)).length === 2);
    });

  test('corpus documents', () => {
    const samples = withoutRepeatedSpreadDirectives(corpusSamples);
    assert.ok(samples.length > 400, `only ${samples.length} corpus documents compared`);
    assertSameDecisions(compare(samples, 'directives', (n) => armorRule('directives', n)));
  });

  test('directive attack documents: on the operation, fields, inline fragments, spreads and fragment definitions', () => {
    assertSameDecisions(compare(withoutRepeatedSpreadDirectives(ATTACKS), 'directives', (n) => armorRule('directives', n)));
  });
});

describe('known differences, asserted as they are', () => {
  const refusedByArmor = (query: string, rule: ValidationRule): boolean => validationRefuses(ATTACK_SCHEMA, parse(query), [rule]);
  const ours = (query: string, dimension: Dimension, limit: number, operationName?: string): boolean =>
    portcullisRefuses(attack(query, query), dimension, limit, operationName);

  test('graphql-armor (and graphql-depth-limit when checking its limit) count __typename as a depth level; Portcullis does not', () => {
    const query = '{ user { __typename } }';
    assert.equal(refusedByArmor(query, armorRule('depth', 1)), true);
    assert.equal(refusedByArmor(query, depthLimit(0)), true);
    assert.equal(ours(query, 'depth', 1), false);
  });

  test('graphql-depth-limit makes validate throw graphql-js\'s abort object past 100 errors; Portcullis refuses with its code', () => {
    // 101 root fields, each one level too deep for `depth: 1`: one error each.
    const query = `{ ${Array.from({ length: 101 }, (_, i) => `u${i}: user { name }`).join(' ')} }`;
    assert.throws(() => validate(ATTACK_SCHEMA, parse(query), [depthLimit(0)]), (error: unknown) => isValidationAbort(error));
    assert.equal(ours(query, 'depth', 1), true);
  });

  test('graphql-armor by default skips aliases of __typename (allowList); Portcullis counts them', () => {
    const query = '{ a: __typename b: __typename user { name } }';
    assert.equal(refusedByArmor(query, maxAliasesRule({ n: 1 })), false);
    assert.equal(ours(query, 'aliases', 1), true);
  });

  test('graphql-depth-limit and graphql-armor by default give __schema depth 0; Portcullis counts it', () => {
    const query = '{ __schema { types { fields { name } } } }';
    assert.equal(refusedByArmor(query, depthLimit(1)), false);
    assert.equal(refusedByArmor(query, maxDepthRule({ n: 2 })), false);
    assert.equal(ours(query, 'depth', 2), true);
    assert.equal(ours(query, 'depth', 4), false);
  });

  test('graphql-armor by default counts each fragment as a depth level; Portcullis does not', () => {
    const query = '{ user { ... on User { name } } }';
    assert.equal(refusedByArmor(query, maxDepthRule({ n: 2 })), true);
    assert.equal(ours(query, 'depth', 2), false);
  });

  test('graphql-armor forgets the directives on a repeated spread of one fragment; Portcullis counts them', () => {
    const query = '{ user { ...N @include(if: true) ...N @include(if: true) } } fragment N on User { name }';
    assert.equal(refusedByArmor(query, maxDirectivesRule({ n: 1 })), false);
    assert.equal(ours(query, 'directives', 1), true);
  });

  test('graphql-armor checks every operation of the document; Portcullis checks the one that runs', () => {
    const query = `query Small { user { name } } query Deep ${deepQuery(6)}`;
    assert.equal(refusedByArmor(query, armorRule('depth', 3)), true);
    assert.equal(ours(query, 'depth', 3, 'Small'), false);
    assert.equal(ours(query, 'depth', 3, 'Deep'), true);
  });

  test('Portcullis refuses text nested beyond the depth limit + 64 before parsing; graphql-armor measures fields only', () => {
    const query = `{ user(id: ${'['.repeat(80)}1${']'.repeat(80)}) { name } }`;
    assert.equal(refusedByArmor(query, armorRule('depth', 5)), false);
    assert.equal(ours(query, 'depth', 5), true);
  });
});
