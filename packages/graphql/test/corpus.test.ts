import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, type Analysis, type Analyzer } from '../src/index.js';

/** The real corpus (see test/corpora/graphql/README.md): GitHub, Saleor and SWAPI schemas and operations. */
const CORPUS = fileURLToPath(new URL('../../../test/corpora/graphql/', import.meta.url));

interface CorpusQuery {
  readonly name: string;
  readonly tags?: readonly string[];
  readonly variables?: Record<string, unknown>;
  readonly query: string;
}

function readJsonQueries(dir: string): CorpusQuery[] {
  return JSON.parse(readFileSync(`${CORPUS}${dir}/queries.json`, 'utf8')) as CorpusQuery[];
}

function readSwapiQueries(): CorpusQuery[] {
  const dir = `${CORPUS}swapi/queries/`;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file, query: readFileSync(dir + file, 'utf8') }));
}

const INTROSPECTION = /\b__(schema|type)\b/;

function describeFailure(analysis: Analysis): string {
  return analysis.ok ? 'allowed' : `${analysis.code} (${analysis.detail ?? ''}) ${JSON.stringify(analysis.metrics)}`;
}

function checkCorpus(analyzer: Analyzer, introspectionAnalyzer: Analyzer, queries: readonly CorpusQuery[]): void {
  let introspectionQueries = 0;
  for (const query of queries) {
    const request = { query: query.query, variables: query.variables ?? null };
    const analysis = analyzer.analyze(request);
    if (INTROSPECTION.test(query.query)) {
      introspectionQueries++;
      assert.equal(analysis.ok, false, `${query.name} should be refused with introspection denied`);
      if (!analysis.ok) assert.equal(analysis.code, 'graphql_introspection_refused', query.name);
      const allowed = introspectionAnalyzer.analyze(request);
      assert.equal(allowed.ok, true, `${query.name} with introspection allowed: ${describeFailure(allowed)}`);
    } else {
      assert.equal(analysis.ok, true, `${query.name}: ${describeFailure(analysis)}`);
      if (analysis.ok) assert.equal(analysis.metrics.introspection, false, query.name);
    }
  }
  // every corpus holds exactly one introspection query
  assert.equal(introspectionQueries, 1);
}

describe('GitHub corpus', () => {
  const sdl = readFileSync(`${CORPUS}github/schema.graphql`, 'utf8');
  const analyzer = createAnalyzer({ schema: sdl });
  const introspectionAnalyzer = createAnalyzer({ schema: sdl, introspection: 'allow' });
  const queries = readJsonQueries('github');
  const byName = new Map(queries.map((query) => [query.name, query]));

  function costOf(name: string): number {
    const query = byName.get(name);
    assert.ok(query, name);
    const analysis = analyzer.analyze({ query: query.query, variables: query.variables ?? null });
    if (!analysis.ok) assert.fail(`${name}: ${describeFailure(analysis)}`);
    return analysis.metrics.cost;
  }

  test('the SDL (fields defined twice) loads, with a warning naming the problem', () => {
    assert.equal(analyzer.warnings.length, 1);
    assert.match(analyzer.warnings[0] ?? '', /^graphql\.schema: the SDL fails validation \(Field "[A-Za-z]+\.[A-Za-z]+" can only be defined once\.\)/);
  });

  test(`every query passes under the defaults (${queries.length} queries; introspection refused)`, () => {
    assert.equal(queries.length, 47);
    checkCorpus(analyzer, introspectionAnalyzer, queries);
  });

  // Hand-worked costs under the defaults: objects 1, leaves (scalars, enums) 0, a list argument
  // multiplies the field and everything below it, a list directly under a sliced field (nodes,
  // edges) does not multiply again, lists without arguments count 1.
  test('ViewerLogin: viewer 1 (login, name, avatarUrl are leaves) = 1', () => {
    assert.equal(costOf('ViewerLogin'), 1);
  });

  test('RepositoryOverview = 95', () => {
    // repository 1; primaryLanguage 1; licenseInfo 1; defaultBranchRef 1; target 1 (... on Commit: leaves)
    // repositoryTopics(first: 20) 1*20 = 20; nodes 20; topic 20
    // languages(first: 10) 1*10 = 10; edges 10; node 10
    // 1+1+1+1+1 + 20+20+20 + 10+10+10 = 95
    assert.equal(costOf('RepositoryOverview'), 95);
  });

  test('IssueList with first: 30 from its variables = 1981', () => {
    // repository 1; issues(first: $first = 30) 30; pageInfo 30; nodes 30; author 30; milestone 30;
    // comments (no list argument) 30; assignees(first: 10) 1*30*10 = 300; its nodes 300;
    // labels(first: 20) 1*30*20 = 600; its nodes 600
    // 1 + 30*6 + 300*2 + 600*2 = 1981
    assert.equal(costOf('IssueList'), 1981);
  });

  test('OrgTeamsMembersRepos = 17651', () => {
    // organization 1; teams(first: 50) 50; nodes 50; parentTeam 50;
    // members(first: 100) 50*100 = 5000; nodes 5000;
    // repositories(first: 50) 50*50 = 2500; edges 2500; node 2500
    // 1 + 150 + 10000 + 7500 = 17651
    assert.equal(costOf('OrgTeamsMembersRepos'), 17651);
  });

  test('DeepCommentReactionsUsers = 104841 (under the default limit of 250,000)', () => {
    // repository 1; issues(first: 20) 20 + nodes 20; comments(first: 20) 400 + nodes 400;
    // reactions(first: 20) 8000 + nodes 8000; user 8000; repositories(first: 5) 40000 + nodes 40000
    // 1 + 40 + 800 + 16000 + 8000 + 80000 = 104841
    assert.equal(costOf('DeepCommentReactionsUsers'), 104_841);
  });

  test('raising a page size in the variables raises the cost', () => {
    const issueList = byName.get('IssueList');
    assert.ok(issueList);
    const analysis = analyzer.analyze({ query: issueList.query, variables: { ...issueList.variables, first: 100 } });
    // 1 + 100*6 + 1000*2 + 2000*2 = 6601
    assert.equal(analysis.ok && analysis.metrics.cost, 6601);
  });
});

describe('Saleor corpus', () => {
  const sdl = readFileSync(`${CORPUS}saleor/schema.graphql`, 'utf8');
  const analyzer = createAnalyzer({ schema: sdl });
  const queries = readJsonQueries('saleor');

  test('the schema loads without warnings', () => {
    assert.deepEqual(analyzer.warnings, []);
  });

  test(`every operation passes under the defaults (${queries.length} operations; introspection refused)`, () => {
    assert.equal(queries.length, 415);
    checkCorpus(analyzer, createAnalyzer({ schema: sdl, introspection: 'allow' }), queries);
  });
});

describe('SWAPI corpus', () => {
  const sdl = readFileSync(`${CORPUS}swapi/schema.graphql`, 'utf8');
  const analyzer = createAnalyzer({ schema: sdl });
  const queries = readSwapiQueries();

  test(`every example query passes under the defaults (${queries.length} queries; introspection refused)`, () => {
    assert.equal(queries.length, 8);
    assert.deepEqual(analyzer.warnings, []);
    checkCorpus(analyzer, createAnalyzer({ schema: sdl, introspection: 'allow' }), queries);
  });
});
