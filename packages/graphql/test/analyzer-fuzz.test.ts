import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GRAPHQL_DENY_CODES, createAnalyzer, type Analysis, type GraphQLRequestInput } from '../src/index.js';

/**
 * Seeded fuzzing (fast-check is not a dependency of this package; a fixed-seed generator keeps every
 * run reproducible): any string, any mutation of a real query and any request shape yields an
 * Analysis, never a throw.
 */

const CORPUS = fileURLToPath(new URL('../../../test/corpora/graphql/', import.meta.url));

/** xorshift32: deterministic, so a failure names its seed and iteration. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

const PIECES = [
  '{', '}', '(', ')', '[', ']', ':', '@', '...', '$', '"', '"""', '#', ',', '=', '!', '|', '&', '\n', ' ', '\\',
  'a', 'b', 'x', '__schema', '__type', '__typename', 'query', 'mutation', 'subscription', 'fragment', 'on', 'F',
  'Query', 'first', 'last', '1', '-2', '2.5e3', '1000000000000000000000', 'true', 'null', '\u0000', '\ud800', '\u2028', 'é',
];

function assertAnalysis(analysis: Analysis, label: string): void {
  assert.equal(typeof analysis.ok, 'boolean', label);
  if (!analysis.ok) {
    assert.ok(Object.hasOwn(GRAPHQL_DENY_CODES, analysis.code), `${label}: unknown code ${analysis.code}`);
    assert.equal(analysis.status, GRAPHQL_DENY_CODES[analysis.code].status, label);
  } else {
    assert.ok(Number.isFinite(analysis.metrics.cost), label);
    assert.match(analysis.documentHash, /^[0-9a-f]{64}$/, label);
  }
}

describe('fuzz', () => {
  const sdl = readFileSync(`${CORPUS}swapi/schema.graphql`, 'utf8');
  const analyzers = [createAnalyzer({ introspection: 'allow' }), createAnalyzer({ schema: sdl, cacheSize: 16 })];
  const corpus = (JSON.parse(readFileSync(`${CORPUS}github/queries.json`, 'utf8')) as Array<{ query: string }>).map((q) => q.query);

  test('token soup: 4,000 documents built from GraphQL punctuation and names', () => {
    const next = random(0x5eed_0001);
    for (let i = 0; i < 4_000; i++) {
      const length = Math.floor(next() * 80);
      let query = '';
      for (let j = 0; j < length; j++) query += PIECES[Math.floor(next() * PIECES.length)] + (next() < 0.5 ? ' ' : '');
      for (const analyzer of analyzers) assertAnalysis(analyzer.analyze({ query }), `soup #${i}`);
    }
  });

  test('arbitrary code units: 2,000 random strings', () => {
    const next = random(0x5eed_0002);
    for (let i = 0; i < 2_000; i++) {
      const length = Math.floor(next() * 200);
      let query = '';
      for (let j = 0; j < length; j++) query += String.fromCharCode(Math.floor(next() * (next() < 0.9 ? 128 : 0x10000)));
      for (const analyzer of analyzers) assertAnalysis(analyzer.analyze({ query }), `string #${i}`);
    }
  });

  test('mutated real queries: 3,000 deletions, insertions and duplications', () => {
    const next = random(0x5eed_0003);
    for (let i = 0; i < 3_000; i++) {
      let query = corpus[Math.floor(next() * corpus.length)] ?? '';
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (query.length + 1));
        const span = Math.floor(next() * 20);
        const kind = next();
        if (kind < 0.33) query = query.slice(0, at) + query.slice(at + span);
        else if (kind < 0.66) query = query.slice(0, at) + (PIECES[Math.floor(next() * PIECES.length)] ?? '') + query.slice(at);
        else query = query.slice(0, at) + query.slice(at, at + span).repeat(1 + Math.floor(next() * 50)) + query.slice(at);
      }
      for (const analyzer of analyzers) assertAnalysis(analyzer.analyze({ query }), `mutation #${i}`);
    }
  });

  test('request shapes: 2,000 random variables, operation names and extensions', () => {
    const next = random(0x5eed_0004);
    const values: unknown[] = [
      undefined, null, 0, -1, 2.5, 1e308, Number.NaN, Infinity, '10', true, [], {}, [1, 2], { first: 3 },
      JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
    ];
    const pick = (): unknown => values[Math.floor(next() * values.length)];
    for (let i = 0; i < 2_000; i++) {
      const request = {
        query: next() < 0.9 ? (corpus[Math.floor(next() * corpus.length)] ?? '') : pick(),
        variables: next() < 0.5 ? { first: pick(), owner: pick(), n: pick() } : pick(),
        operationName: next() < 0.8 ? undefined : pick(),
        extensions: next() < 0.8 ? pick() : { persistedQuery: next() < 0.5 ? pick() : { version: 1, sha256Hash: pick() } },
      } as unknown as GraphQLRequestInput;
      for (const analyzer of analyzers) assertAnalysis(analyzer.analyze(request), `request #${i}`);
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
