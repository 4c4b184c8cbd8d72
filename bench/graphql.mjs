#!/usr/bin/env node
// GraphQL benchmark: per query of the corpus (test/corpora/graphql: GitHub, Saleor, SWAPI), in one run,
//   (1) graphql-js `parse` alone (with `noLocation`, as the analyzer parses);
//   (2) Portcullis's analysis (`createAnalyzer(...).analyze({ query, variables })`, cache disabled with
//       `cacheSize: 0` so that every call analyzes; it parses the query itself, see PORTCULLIS_BASIS);
//   (3) graphql-depth-limit + graphql-query-complexity as graphql-js validation rules;
//   (4) graphql-armor's rules (max-depth, max-aliases, max-directives, cost-limit) the same way.
// (3) and (4) run `validate(schema, document, rules)` with those rules only (not graphql-js's specified
// rules) on a document parsed once, so they are measured without parsing.
// And a memory check: documents far over the limits (1 MB of garbage, 100k tokens) must be refused
// quickly without holding memory.
//
// Method (like micro.mjs): everything is built once (schema per corpus, analyzer per corpus, rule
// lists per query); a warm-up of discarded calls lets the JIT settle; then rounds: in each round,
// every query runs one batch per variant, variants taking turns (their order rotates from round to
// round), so that drifts of the machine spread over all variants. A batch is timed with
// process.hrtime.bigint(); a query's time for a variant is the median of its batches; a corpus's
// number is the median over its queries.
//
//   GRAPHQL_SAMPLES=15  batches per query and variant     GRAPHQL_BATCH=40  calls per batch
//   GRAPHQL_WARMUP=200  discarded calls per query and variant
//   BENCH_QUICK=1       a few samples; writes only the git-ignored results/graphql-quick.json (never
//                       graphql.json or docs: quick numbers are not published)
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { parse, specifiedRules, validate } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { createComplexityRule, fieldExtensionsEstimator, simpleEstimator } from 'graphql-query-complexity';
import { loadGraphQLCorpora } from './lib/graphql-corpus.mjs';
import { describeMachine } from './lib/machine.mjs';
import { median } from './lib/measure.mjs';
import { writeReport } from './lib/report.mjs';
import { readNumber } from './lib/config.mjs';

const RESULTS = fileURLToPath(new URL('./results/graphql.json', import.meta.url));
const QUICK_RESULTS = fileURLToPath(new URL('./results/graphql-quick.json', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';

const config = {
  samples: readNumber('GRAPHQL_SAMPLES', quick ? 5 : 15),
  batch: readNumber('GRAPHQL_BATCH', quick ? 10 : 40),
  warmup: readNumber('GRAPHQL_WARMUP', quick ? 30 : 200),
};

/**
 * Limits far above the corpus on every side: the benchmark measures the full analysis of accepted
 * queries (a refusal could stop early and look cheaper). The same numbers configure every tool.
 */
const LIMITS = { depth: 100, aliases: 10_000, directives: 10_000, cost: 1_000_000_000 };

/** The analyzer: the package's root export, or (before the lead exports it) the built analyzer module. */
async function importAnalyzer() {
  const root = await import('@portcullis/graphql').catch(() => undefined);
  if (typeof root?.createAnalyzer === 'function') return { createAnalyzer: root.createAnalyzer, from: '@portcullis/graphql' };
  const direct = await import('../packages/graphql/dist/analyzer/index.js').catch(() => undefined);
  if (typeof direct?.createAnalyzer === 'function') return { createAnalyzer: direct.createAnalyzer, from: 'packages/graphql/dist/analyzer/index.js' };
  return undefined;
}

/**
 * Whether the analyzer can be given a parsed document (then its row excludes parsing). The agreed API
 * (`analyze({ query, ... })`) takes the query text only, so the row includes graphql-js's parse.
 */
function portcullisEntry(analyzer) {
  if (typeof analyzer.analyzeDocument === 'function') return { basis: 'excluding parse', run: (q) => analyzer.analyzeDocument(q.document, { variables: q.variables }) };
  return { basis: 'including parse', run: (q) => analyzer.analyze({ query: q.query, variables: q.variables ?? null, operationName: null }) };
}

function createPortcullisAnalyzer(createAnalyzer, schema, extra = {}) {
  return createAnalyzer({
    schema,
    maxDocumentBytes: 1_000_000,
    maxTokens: 100_000,
    limits: { depth: LIMITS.depth, aliases: LIMITS.aliases, directives: LIMITS.directives, rootFields: 1_000, fieldDuplicates: 10_000, operations: 5, cost: LIMITS.cost },
    // SWAPI's eighth example is a `__type` query: allowed, so that it is analyzed like the others.
    introspection: 'allow',
    cacheSize: 0,
    ...extra,
  });
}

/** graphql-depth-limit counts root fields as depth 0 (ours: 1), hence `depth - 1`. */
function depthComplexityRules(q) {
  return [
    depthLimit(LIMITS.depth - 1),
    createComplexityRule({
      maximumComplexity: LIMITS.cost,
      variables: q.variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    }),
  ];
}

/** graphql-armor's rules with its conventions closest to ours: fragments flattened, introspection counted. */
function armorRules() {
  return [
    maxDepthRule({ n: LIMITS.depth, flattenFragments: true, ignoreIntrospection: false }),
    maxAliasesRule({ n: LIMITS.aliases }),
    maxDirectivesRule({ n: LIMITS.directives }),
    costLimitRule({ maxCost: LIMITS.cost, flattenFragments: true, ignoreIntrospection: false }),
  ];
}

/** A validation run that refuses: rules report errors, graphql-armor's rules throw. */
function validationOutcome(schema, document, rules) {
  try {
    const errors = validate(schema, document, rules);
    return errors.length === 0 ? undefined : errors[0].message;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Builds every variant of every query once, and keeps only the queries that every tool accepts. */
function prepareCorpus(corpus, createAnalyzer) {
  const analyzer = createAnalyzer === undefined ? undefined : createPortcullisAnalyzer(createAnalyzer, corpus.schema);
  const portcullis = analyzer === undefined ? undefined : portcullisEntry(analyzer);
  const armor = armorRules();
  const specifiedWithArmor = [...specifiedRules, ...armor];
  const excluded = [];
  const queries = [];
  for (const q of corpus.queries) {
    const depthComplexity = depthComplexityRules(q);
    const reasons = [];
    if (portcullis !== undefined) {
      const analysis = portcullis.run(q);
      if (!analysis.ok) reasons.push(`Portcullis refused it (${analysis.code})`);
    }
    const peerRefusal = validationOutcome(corpus.schema, q.document, depthComplexity);
    if (peerRefusal !== undefined) reasons.push('graphql-depth-limit / graphql-query-complexity refused it');
    const armorRefusal = validationOutcome(corpus.schema, q.document, armor);
    if (armorRefusal !== undefined) reasons.push('graphql-armor refused it');
    if (reasons.length > 0) {
      excluded.push({ name: q.name, reasons });
      continue;
    }
    const variants = {
      // As the analyzer parses: without locations (graphql-js's cheaper mode; servers usually keep them).
      parse: () => parse(q.query, { noLocation: true }),
      depthComplexity: () => validate(corpus.schema, q.document, depthComplexity),
      armor: () => validate(corpus.schema, q.document, armor),
      // What a server pays for graphql-armor: its rules join the specified rules' one traversal.
      specified: () => validate(corpus.schema, q.document, specifiedRules),
      specifiedArmor: () => validate(corpus.schema, q.document, specifiedWithArmor),
    };
    if (portcullis !== undefined) variants.portcullis = () => portcullis.run(q);
    queries.push({ name: q.name, variants, times: Object.fromEntries(Object.keys(variants).map((k) => [k, []])) });
  }
  return { id: corpus.id, title: corpus.title, total: corpus.queries.length, excluded, queries, basis: portcullis?.basis, warnings: analyzer?.warnings ?? [] };
}

/** Times `count` serial calls; returns nanoseconds per call. */
function timeBatch(run, count) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) run();
  return Number(process.hrtime.bigint() - start) / count;
}

/**
 * graphql-js's specified rules cost ten times the rest and leave much garbage, which would land in
 * the next variant's batches: the two server-validation variants run in rounds of their own, after
 * the others, with a fifth of the calls.
 */
const SERVER_VARIANTS = ['specified', 'specifiedArmor'];

function measureGroup(queries, names, warmup, batch) {
  for (const q of queries) for (const name of names) timeBatch(q.variants[name], warmup);
  for (let sample = 0; sample < config.samples; sample += 1) {
    for (const q of queries) {
      // The order rotates each round: no variant always runs right after another one's garbage.
      for (let i = 0; i < names.length; i += 1) {
        const name = names[(i + sample) % names.length];
        q.times[name].push(timeBatch(q.variants[name], batch));
      }
    }
  }
}

function measure(prepared) {
  const all = prepared.flatMap((c) => c.queries);
  if (all.length === 0) return;
  const names = Object.keys(all[0].variants);
  measureGroup(all, names.filter((n) => !SERVER_VARIANTS.includes(n)), config.warmup, config.batch);
  measureGroup(all, SERVER_VARIANTS, Math.ceil(config.warmup / 5), Math.ceil(config.batch / 5));
}

const round = (n) => (n === undefined ? undefined : Math.round(n));
const ratio = (n) => (n === undefined || !Number.isFinite(n) ? undefined : Math.round(n * 100) / 100);

/** Per corpus: the median over queries of each variant's per-query median, and per-query ratios. */
function summarizeCorpus(c) {
  const perQuery = c.queries.map((q) => {
    const m = Object.fromEntries(Object.entries(q.times).map(([k, t]) => [k, median(t)]));
    // On a common basis: when our analysis includes parsing, the peers get one parse added.
    const withParse = c.basis === 'including parse';
    const peerBase = (ns) => (withParse ? ns + m.parse : ns);
    return {
      name: q.name,
      medianNs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)])),
      armorRatio: m.portcullis === undefined ? undefined : peerBase(m.armor) / m.portcullis,
      depthComplexityRatio: m.portcullis === undefined ? undefined : peerBase(m.depthComplexity) / m.portcullis,
    };
  });
  const medianOf = (key) => (perQuery.length === 0 || perQuery[0].medianNs[key] === undefined ? undefined : round(median(perQuery.map((q) => q.medianNs[key]))));
  const portcullis = medianOf('portcullis');
  const parseNs = medianOf('parse');
  return {
    id: c.id,
    title: c.title,
    queries: c.total,
    measured: c.queries.length,
    excluded: c.excluded,
    portcullisBasis: c.basis ?? null,
    medianNs: {
      parse: parseNs,
      portcullis,
      // Only an estimate when the analyzer parses itself: the median of (ours − parse) per query.
      portcullisWithoutParse: c.basis === 'including parse' ? round(median(perQuery.map((q) => q.medianNs.portcullis - q.medianNs.parse))) : portcullis,
      depthComplexity: medianOf('depthComplexity'),
      armor: medianOf('armor'),
      specified: medianOf('specified'),
      // graphql-armor's marginal cost in a server that validates anyway: median of (specified + armor − specified).
      armorInServerValidation: perQuery.length === 0 ? undefined : round(median(perQuery.map((q) => q.medianNs.specifiedArmor - q.medianNs.specified))),
    },
    ratios: {
      armorOverPortcullis: portcullis === undefined ? undefined : ratio(median(perQuery.map((q) => q.armorRatio))),
      // When ours includes parsing: armor's median over our median without parse (an estimate, from medians).
      armorOverPortcullisWithoutParse: c.basis === 'including parse' ? ratio(medianOf('armor') / median(perQuery.map((q) => q.medianNs.portcullis - q.medianNs.parse))) : undefined,
      depthComplexityOverPortcullis: portcullis === undefined ? undefined : ratio(median(perQuery.map((q) => q.depthComplexityRatio))),
    },
    perQuery,
    warnings: c.warnings,
  };
}

// --- memory check ---------------------------------------------------------------------------------

/** A full collection, so that RSS reflects what is still held (gc exposed at run time, not by a flag). */
function collectGarbage() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  gc();
  gc();
}

const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Deterministic garbage: printable bytes that are no GraphQL document (unbalanced braces, stray punctuation). */
function garbageDocument(bytes) {
  const alphabet = '{{{(((]]]!!$$@@::""\\#%^&*;<>?~`|0123abcXYZ \n';
  let seed = 12345;
  let text = '';
  while (text.length < bytes) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    text += alphabet[seed % alphabet.length];
  }
  return text;
}

/** 100,000 tokens of a syntactically valid document: `{ a a a ... }`. */
function manyTokensDocument(tokens) {
  return `{ ${'a '.repeat(tokens - 2)}}`;
}

function memoryCheck(createAnalyzer) {
  if (createAnalyzer === undefined) return [];
  const defaults = createAnalyzer({ cacheSize: 0 });
  // Byte cap raised so that the token cap is what refuses (the default byte cap would refuse first).
  const tokenCapOnly = createAnalyzer({ cacheSize: 0, maxDocumentBytes: 2_000_000 });
  const cases = [
    { id: 'garbage-1mb-defaults', title: '1 MB of garbage, default options', analyzer: defaults, query: garbageDocument(1_000_000) },
    { id: 'garbage-1mb-token-cap', title: '1 MB of garbage, byte cap raised to 2 MB', analyzer: tokenCapOnly, query: garbageDocument(1_000_000) },
    { id: 'tokens-100k-defaults', title: '100,000 tokens (`{ a a a … }`), default options', analyzer: defaults, query: manyTokensDocument(100_000) },
    { id: 'tokens-100k-token-cap', title: '100,000 tokens, byte cap raised to 2 MB', analyzer: tokenCapOnly, query: manyTokensDocument(100_000) },
  ];
  const calls = quick ? 20 : 200;
  return cases.map((c) => {
    const first = c.analyzer.analyze({ query: c.query });
    collectGarbage();
    const before = process.memoryUsage();
    const times = [];
    for (let i = 0; i < calls; i += 1) {
      const start = process.hrtime.bigint();
      c.analyzer.analyze({ query: c.query });
      times.push(Number(process.hrtime.bigint() - start));
    }
    const peak = process.memoryUsage();
    collectGarbage();
    const after = process.memoryUsage();
    return {
      id: c.id,
      title: c.title,
      documentBytes: Buffer.byteLength(c.query),
      outcome: first.ok ? 'accepted' : first.code,
      ...(first.ok ? {} : { limit: first.limit }),
      calls,
      medianUs: Math.round(median(times) / 100) / 10,
      maxUs: Math.round(Math.max(...times) / 100) / 10,
      rssDeltaMiB: mib(after.rss - before.rss),
      rssDeltaBeforeGcMiB: mib(peak.rss - before.rss),
      heapUsedDeltaMiB: mib(after.heapUsed - before.heapUsed),
    };
  });
}

// --------------------------------------------------------------------------------------------------

function print(corpora, memory) {
  const us = (ns) => (ns === undefined ? 'n/a' : `${(ns / 1_000).toFixed(1)} µs`);
  for (const c of corpora) {
    console.log(`${c.title}: ${c.measured}/${c.queries} queries measured${c.excluded.length > 0 ? ` (${c.excluded.length} excluded)` : ''}`);
    console.log(`  parse ${us(c.medianNs.parse)}  portcullis ${us(c.medianNs.portcullis)} (${c.portcullisBasis ?? 'not measured'})  depth-limit+complexity ${us(c.medianNs.depthComplexity)}  armor ${us(c.medianNs.armor)}`);
    console.log(`  graphql-js specified rules ${us(c.medianNs.specified)}; graphql-armor added to them ${us(c.medianNs.armorInServerValidation)}`);
    console.log(`  ratios (per query, median): armor/portcullis ${c.ratios.armorOverPortcullis ?? 'n/a'}  depth-limit+complexity/portcullis ${c.ratios.depthComplexityOverPortcullis ?? 'n/a'}`);
    for (const e of c.excluded) console.log(`  excluded ${e.name}: ${e.reasons.join('; ')}`);
  }
  for (const m of memory) console.log(`memory: ${m.title}: ${m.outcome}, median ${m.medianUs} µs, max ${m.maxUs} µs, RSS Δ ${m.rssDeltaMiB} MiB after GC (${m.rssDeltaBeforeGcMiB} MiB before)`);
}

async function main() {
  const machine = describeMachine();
  const imported = await importAnalyzer();
  if (imported === undefined) console.log('skipped: @portcullis/graphql has no createAnalyzer (not built?): Portcullis is not measured');
  // First, while the process holds little: RSS deltas are then not blurred by the timing rounds' heap.
  const memory = memoryCheck(imported?.createAnalyzer);
  const corpora = loadGraphQLCorpora().map((c) => prepareCorpus(c, imported?.createAnalyzer));
  measure(corpora);
  const results = corpora.map(summarizeCorpus);
  print(results, memory);
  const basis = corpora.find((c) => c.basis !== undefined)?.basis ?? null;
  const notes = [
    basis === null
      ? 'Portcullis was not measured: `@portcullis/graphql` exported no `createAnalyzer` to this run.'
      : basis === 'including parse'
      ? 'The analyzer takes the query text (`analyze({ query, variables })`) and parses it itself, so the Portcullis column includes graphql-js\'s `parse`; the ratios therefore compare it with parse + the peers\' validation on each query. "Analysis without parse" is the median over queries of (Portcullis − parse), an estimate.'
      : 'The Portcullis column is the analysis of an already parsed document, like the peers\' validation rules.',
    'The parse column is graphql-js\'s `parse(query, { noLocation: true })`, the way the analyzer parses (a server usually parses with locations, which costs more); the analyzer also hashes every document (sha256, its cache key) even with its cache disabled, and that is in its column.',
    'The peers run as `validate(schema, document, rules)` with their rules only. That call also walks the document with graphql-js\'s TypeInfo; a server that adds these rules to its own validation shares that walk with the specified rules, so the standalone number may overstate their marginal cost in such a server. The "graphql-armor in a server\'s validation" column measures that: per query, `validate` with graphql-js\'s specified rules plus graphql-armor\'s, minus `validate` with the specified rules alone (both timed in the same rounds; a median of differences, so noisy when small). Portcullis runs before (or instead of) that validation, so it does not share its walk.',
    'Saleor\'s operations come without variables: every required variable gets a sample value of its type (`bench/lib/graphql-corpus.mjs`; graphql-query-complexity refuses an operation whose required variables are missing), and every tool gets the same values. GitHub\'s operations carry their own.',
    `Every tool is configured with limits far above the corpus (depth ${LIMITS.depth}, aliases ${LIMITS.aliases.toLocaleString('en-US')}, directives ${LIMITS.directives.toLocaleString('en-US')}, cost ${LIMITS.cost.toLocaleString('en-US')}), so that each analyzes each query completely; a query that any of them refuses anyway is excluded from every column and listed.`,
    'Portcullis: the schema (built once per corpus with graphql-js) is given to the analyzer, introspection allowed (SWAPI\'s `__type` example), cache disabled (`cacheSize: 0`), so every call really analyzes. graphql-query-complexity: `fieldExtensionsEstimator` + `simpleEstimator({ defaultComplexity: 1 })` with the query\'s variables. graphql-armor: max-depth and cost-limit with `flattenFragments: true, ignoreIntrospection: false`, max-aliases and max-directives with their defaults but the limit.',
  ];
  const output = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: machine.cpus, cpusAvailable: machine.cpusAvailable, cpuModel: machine.cpuModel, node: machine.node, loadAverageAtStart: machine.loadAverageAtStart },
    config,
    analyzerImportedFrom: imported?.from ?? null,
    portcullisBasis: basis,
    limits: LIMITS,
    corpora: results,
    memory,
    notes,
  };
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  if (quick) {
    writeFileSync(QUICK_RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    console.log('wrote bench/results/graphql-quick.json (quick mode does not touch graphql.json or docs/benchmarks.md)');
    return;
  }
  writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  writeReport();
  console.log('wrote bench/results/graphql.json and docs/benchmarks.md');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
