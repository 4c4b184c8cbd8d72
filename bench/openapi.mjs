#!/usr/bin/env node
// OpenAPI benchmark (`@portcullis/openapi`), in one run, on GitHub's REST description (12 MB of
// JSON, test/corpora/openapi) and, for the peer comparison, Redocly's museum document too:
//
//  (1) start-up, eager: `createFirewall({ guards: [openapi({ document })] })` through
//      `await firewall.ready()` (every operation compiled), and the process's peak RSS, in a fresh
//      child process per measurement; the document's JSON.parse timed apart (lib/openapi-startup.mjs);
//  (2) the same with `compile: 'lazy'`, and each measured operation's first decide (compiled then);
//  (3) `checkContract({ document })`: every operation, responses included (informational);
//  (4) per request: `decide()` on a warm firewall with the guard and on the bare engine, for a 1 KB
//      JSON POST and a GET with path and query parameters; median and p99 (lib/openapi-decide.mjs);
//  (5) over HTTP on loopback with Express 5: bare, Portcullis (the adapter + the openapi guard) and
//      express-openapi-validator, the same requests under autocannon (lib/openapi-server.mjs,
//      lib/openapi-load.mjs): throughput, latency, server CPU per request, status codes; and each
//      validator's start-up and the time to its first validated response.
//
// Child processes measure, pinned like the load benchmark's (servers and start-up/decide children on
// one core, the load generator on the other; lib/processes.mjs); this process only coordinates.
//
//   OPENAPI_STARTUP_RUNS=5    fresh processes per start-up mode (eager, lazy); the median is reported
//   OPENAPI_CHECK_RUNS=3      fresh processes for checkContract()
//   OPENAPI_DECIDE_WARMUP=5000  discarded decides per variant
//   OPENAPI_DECIDE_ROUNDS=20  rounds of timed decides (variants take turns)
//   OPENAPI_DECIDE_BATCH=1000 decides per variant and round, each timed
//   OPENAPI_HTTP_WARMUP=2     seconds of discarded load per variant and request
//   OPENAPI_HTTP_SECONDS=5    seconds per round        OPENAPI_HTTP_ROUNDS=3  rounds (variants alternate)
//   OPENAPI_CONNECTIONS=50    autocannon connections (pipelining 1)
//   OPENAPI_PARTS=startup,decide,http   only these parts; a partial run writes the quick file
//   BENCH_QUICK=1             1 run each, short decide rounds, 1 s of HTTP load: writes only the
//                             git-ignored results/openapi-quick.json (never openapi.json or docs)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { readNumber } from './lib/config.mjs';
import { describeMachine } from './lib/machine.mjs';
import { median, summarizeRounds } from './lib/measure.mjs';
import { httpHeaders, OPENAPI_DOCUMENTS } from './lib/openapi-documents.mjs';
import { OPENAPI_TARGETS } from './lib/openapi-report.mjs';
import { firstExit, firstMessage, killAll, killChildrenOnExit, PINNING, spawnNode, stop } from './lib/processes.mjs';
import { writeReport } from './lib/report.mjs';

const RESULTS = fileURLToPath(new URL('./results/openapi.json', import.meta.url));
const QUICK_RESULTS = fileURLToPath(new URL('./results/openapi-quick.json', import.meta.url));
const STARTUP = fileURLToPath(new URL('./lib/openapi-startup.mjs', import.meta.url));
const DECIDE = fileURLToPath(new URL('./lib/openapi-decide.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('./lib/openapi-server.mjs', import.meta.url));
const LOAD = fileURLToPath(new URL('./lib/openapi-load.mjs', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const PARTS = ['startup', 'decide', 'http'];

function readParts() {
  const text = process.env.OPENAPI_PARTS;
  if (text === undefined || text === '') return PARTS;
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const part of parts) if (!PARTS.includes(part)) throw new Error(`OPENAPI_PARTS: unknown "${part}" (known: ${PARTS.join(', ')})`);
  return parts;
}

const config = {
  startupRuns: readNumber('OPENAPI_STARTUP_RUNS', quick ? 1 : 5, { max: 50 }),
  checkContractRuns: readNumber('OPENAPI_CHECK_RUNS', quick ? 1 : 3, { max: 50 }),
  decideWarmup: readNumber('OPENAPI_DECIDE_WARMUP', quick ? 500 : 5_000),
  decideRounds: readNumber('OPENAPI_DECIDE_ROUNDS', quick ? 3 : 20, { max: 1_000 }),
  decideBatch: readNumber('OPENAPI_DECIDE_BATCH', quick ? 200 : 1_000),
  httpWarmupS: readNumber('OPENAPI_HTTP_WARMUP', quick ? 1 : 2, { min: 0, max: 120 }),
  httpSeconds: readNumber('OPENAPI_HTTP_SECONDS', quick ? 1 : 5, { max: 600 }),
  httpRounds: readNumber('OPENAPI_HTTP_ROUNDS', quick ? 1 : 3, { max: 50 }),
  connections: readNumber('OPENAPI_CONNECTIONS', 50, { max: 1_000 }),
  parts: readParts(),
};
/** A partial run is not a full measurement: like a quick one, it is never published. */
const publish = !quick && config.parts.length === PARTS.length;

const log = (line) => console.log(line);
const round2 = (n) => (n === undefined || n === null || !Number.isFinite(n) ? null : Math.round(n * 100) / 100);
const HTTP_DOCUMENTS = ['github', 'museum'];
const HTTP_VARIANTS = ['bare', 'foundation', 'portcullis', 'eov'];
const VARIANT_TITLES = { bare: 'Express 5 bare', foundation: 'Express 5 + Portcullis (default policy, no openapi)', portcullis: 'Express 5 + Portcullis (openapi)', eov: 'Express 5 + express-openapi-validator' };

/** What every run does the same way; the page lists these under the section. */
const STATIC_NOTES = [
  'Documents come from the repository\'s copy of the corpus (`test/corpora/openapi`, gzip): GitHub\'s REST description (`@octokit/openapi` 23.0.2, OAS 3.0.3) and Redocly\'s museum example (OAS 3.1.0, YAML, parsed with the `yaml` package @portcullis/openapi uses). The museum document\'s top-level `security` (HTTP basic) is removed for every tool: Portcullis would need a verifier for it, and express-openapi-validator only checks that an Authorization header is present.',
  'The GitHub document is given to every tool as the already parsed object (its JSON.parse is timed apart), so start-up times are the tool\'s own work. Module loading happens before any clock starts.',
  '`compile: \'lazy\'` moves each operation\'s compilation to its first request: the "first decide" figures are what that first request waits for (the eager rows\' first decides show what is left: warming the JIT).',
  'express-openapi-validator runs with `express.json()` before it (it validates `req.body`); Portcullis reads and parses the body itself (its default 1 MiB cap). The bare variant runs `express.json()` too.',
  'Portcullis\'s servers run the default policy (foundation guards: request limits, security headers, method-override refusal) plus `openapi({ document })`: its ratio to bare includes the foundation\'s cost; the "default policy, no openapi" variant is that foundation alone (the same adapter and policy without the guard), so the difference between the two is what the openapi guard adds over HTTP.',
];

// --- (1)-(3) start-up -----------------------------------------------------------------------------

async function runChild(script, args, what, timeoutMs) {
  const child = spawnNode(script, args, PINNING?.server);
  // Both listeners from the start: the child exits right after its answer.
  const exited = firstExit(child, timeoutMs + 10_000, what);
  const answer = await firstMessage(child, timeoutMs, what);
  await exited;
  if (answer.error !== undefined) throw new Error(`${what} failed:\n${answer.error}`);
  return answer;
}

function summarizeStartup(runs, key) {
  const values = (name) => runs.map((r) => r[name]).filter((v) => typeof v === 'number');
  const pick = (name) => (values(name).length === 0 ? null : round2(median(values(name))));
  return {
    runs: runs.length,
    medianMs: pick(key),
    minMs: round2(Math.min(...values(key))),
    maxMs: round2(Math.max(...values(key))),
    ...(runs[0].createMs === undefined ? {} : { createMedianMs: pick('createMs'), readyMedianMs: pick('readyMs') }),
    peakRssMedianMiB: pick('peakRssMiB'),
    peakRssMaxMiB: round2(Math.max(...values('peakRssMiB'))),
    rssAfterParseMedianMiB: pick('rssAfterParseMiB'),
    rssBeforeDocumentMedianMiB: pick('rssBeforeDocumentMiB'),
    ...(runs[0].firstDecides === undefined
      ? {}
      : { firstDecides: Object.fromEntries(Object.keys(runs[0].firstDecides).map((k) => [k, { medianMs: round2(median(runs.map((r) => r.firstDecides[k].ms))), outcome: runs[0].firstDecides[k].outcome, operation: runs[0].firstDecides[k].operation }])) }),
    ...(runs[0].diagnostics === undefined ? {} : { diagnostics: runs[0].diagnostics }),
    ...(runs[0].ok === undefined ? {} : { ok: runs[0].ok, operations: runs[0].operations, errors: runs[0].errors, firstErrors: runs[0].firstErrors, warnings: runs[0].warnings, warningCodes: runs[0].warningCodes }),
    perRun: runs.map((r) => ({ totalMs: r.totalMs, parseMs: r.parseMs, peakRssMiB: r.peakRssMiB })),
  };
}

async function measureStartup() {
  const modes = { eager: [], lazy: [], 'check-contract': [] };
  const runsOf = { eager: config.startupRuns, lazy: config.startupRuns, 'check-contract': config.checkContractRuns };
  const most = Math.max(...Object.values(runsOf));
  // Modes take turns, so that a slow spell of the machine does not land on one mode only.
  for (let i = 0; i < most; i += 1) {
    for (const mode of Object.keys(modes)) {
      if (i >= runsOf[mode]) continue;
      const result = await runChild(STARTUP, [mode, 'github'], `start-up ${mode} #${i + 1}`, 180_000);
      log(`  ${mode.padEnd(14)} #${i + 1}: ${result.totalMs} ms (parse ${result.parseMs} ms), peak RSS ${result.peakRssMiB} MiB${result.ok === false ? `, ${result.errors} errors` : ''}`);
      modes[mode].push(result);
    }
  }
  const all = Object.values(modes).flat();
  return {
    document: 'github',
    documentBytes: all[0].documentBytes,
    parse: { runs: all.length, medianMs: round2(median(all.map((r) => r.parseMs))), minMs: round2(Math.min(...all.map((r) => r.parseMs))), maxMs: round2(Math.max(...all.map((r) => r.parseMs))), readAndGunzipMedianMs: round2(median(all.map((r) => r.readMs))) },
    eager: summarizeStartup(modes.eager, 'totalMs'),
    lazy: summarizeStartup(modes.lazy, 'totalMs'),
    checkContract: summarizeStartup(modes['check-contract'], 'totalMs'),
  };
}

// --- (4) decide -----------------------------------------------------------------------------------

async function measureDecide() {
  const settings = { documents: HTTP_DOCUMENTS, warmup: config.decideWarmup, rounds: config.decideRounds, batch: config.decideBatch };
  const { rows } = await runChild(DECIDE, [JSON.stringify(settings)], 'decide benchmark', 600_000);
  const byKey = new Map(rows.map((r) => [`${r.document} ${r.request} ${r.variant}`, r]));
  const requests = [];
  for (const document of HTTP_DOCUMENTS) {
    for (const request of Object.keys(OPENAPI_DOCUMENTS[document].requests)) {
      const bare = byKey.get(`${document} ${request} bare`);
      const guarded = byKey.get(`${document} ${request} openapi`);
      const guardMedianNs = guarded.medianNs - bare.medianNs;
      const guardMeanNs = guarded.meanNs - bare.meanNs;
      requests.push({ document, request, title: bare.title, bare, openapi: guarded, guardMedianNs, guardMeanNs });
      log(`  ${document} ${request}: bare ${bare.medianNs} ns (p99 ${bare.p99Ns}, mean ${bare.meanNs}), openapi ${guarded.medianNs} ns (p99 ${guarded.p99Ns}, mean ${guarded.meanNs}): the guard ${guardMedianNs} ns (mean ${guardMeanNs})`);
    }
  }
  return { settings: { warmup: settings.warmup, rounds: settings.rounds, batch: settings.batch }, requests };
}

// --- (5) HTTP -------------------------------------------------------------------------------------

async function startServer(document, variant) {
  const child = spawnNode(SERVER, [document, variant], PINNING?.server);
  try {
    const message = await firstMessage(child, 180_000, `${document}/${variant} server`);
    if (message.error !== undefined) throw new Error(`${document}/${variant} server failed to start:\n${message.error}`);
    return { child, url: `http://127.0.0.1:${message.port}`, ready: message, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

async function serverStats(child) {
  const answer = firstMessage(child, 5_000, 'server stats');
  child.send('stats');
  return answer;
}

/** One request; its status, the client-side time and, for an error, the tool's message (kept short). */
async function send(url, request) {
  const start = process.hrtime.bigint();
  const response = await fetch(`${url}${request.path}`, { method: request.method, headers: httpHeaders(request), body: request.body, signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  const ms = round2(Number(process.hrtime.bigint() - start) / 1e6);
  let message;
  if (response.status >= 400) {
    try {
      const parsed = JSON.parse(text);
      message = String(parsed.error ?? parsed.code ?? text).slice(0, 160);
    } catch {
      message = text.slice(0, 160);
    }
  }
  return { status: response.status, ms, ...(message === undefined ? {} : { message }) };
}

/**
 * The first requests (timed: the lazy tools compile then), then the checks: both measured requests
 * answered 200, and, for a validating variant, every request the document forbids refused. Returns
 * what each request got and the problem that keeps the variant from being measured, if any.
 */
async function firstRequestsAndChecks(document, variant, server) {
  const spec = OPENAPI_DOCUMENTS[document];
  const first = {};
  for (const [key, request] of Object.entries(spec.requests)) first[key] = await send(server.url, request);
  const again = {};
  for (const [key, request] of Object.entries(spec.requests)) again[key] = await send(server.url, request);
  const problems = [];
  for (const [key, answer] of Object.entries(again)) if (answer.status !== 200) problems.push(`the ${key} request got ${answer.status}${answer.message === undefined ? '' : ` (${answer.message})`}, expected 200`);
  const refused = [];
  if (variant === 'portcullis' || variant === 'eov') {
    for (const r of spec.refused) {
      const answer = await send(server.url, r);
      refused.push({ what: r.what, expected: r.status, status: answer.status });
      if (answer.status !== r.status) problems.push(`${r.what} got ${answer.status}, expected ${r.status}`);
    }
  }
  return { first, again, refused, problem: problems.length === 0 ? undefined : problems.join('; ') };
}

async function startGenerator() {
  const child = spawnNode(LOAD, [], PINNING?.load);
  const ready = await firstMessage(child, 20_000, 'load generator start-up');
  if (ready !== 'ready') throw new Error(`load generator: unexpected first message ${JSON.stringify(ready)}`);
  return {
    async run(url, request, durationS) {
      const answer = firstMessage(child, (durationS + 30) * 1_000, `load generator (${request.method} ${url}${request.path})`);
      child.send({ url, method: request.method, path: request.path, headers: httpHeaders(request), body: request.body, connections: config.connections, durationS });
      const result = await answer;
      if (result.error !== undefined) throw new Error(`load generator failed: ${result.error}`);
      return result;
    },
    stop: () => stop(child),
  };
}

async function loadRun(generator, server, request, durationS) {
  const before = (await serverStats(server.child)).cpuMicros;
  const result = await generator.run(server.url, request, durationS);
  const after = (await serverStats(server.child)).cpuMicros;
  return { ...result, serverCpuMicrosPerRequest: result.totalRequests === 0 ? 0 : (after - before) / result.totalRequests };
}

function mergeStatusCodes(runs) {
  const codes = {};
  for (const run of runs) for (const [code, count] of Object.entries(run.statusCodes)) codes[code] = (codes[code] ?? 0) + count;
  return codes;
}

async function benchDocument(document, generator) {
  const spec = OPENAPI_DOCUMENTS[document];
  log(`\n${spec.title}`);
  const servers = new Map();
  const variants = {};
  try {
    for (const variant of HTTP_VARIANTS) {
      const server = await startServer(document, variant);
      servers.set(variant, server);
      const checked = await firstRequestsAndChecks(document, variant, server);
      const firstPost = checked.first.post;
      variants[variant] = {
        title: VARIANT_TITLES[variant],
        startupMs: round2(server.ready.startupMs),
        documentParseMs: server.ready.parseMs,
        rssAtStartMiB: server.ready.rssMiB,
        firstRequests: checked.first,
        secondRequests: checked.again,
        refused: checked.refused,
        // The validator's start-up plus its first validated POST: what the first client waits for.
        firstValidatedResponseMs: variant === 'bare' || variant === 'foundation' || firstPost.status !== 200 ? null : round2(server.ready.startupMs + firstPost.ms),
        measured: checked.problem === undefined,
        ...(checked.problem === undefined ? {} : { notMeasured: checked.problem }),
        workloads: {},
      };
      log(`  ${variant}: start-up ${round2(server.ready.startupMs)} ms; first POST ${firstPost.status} in ${firstPost.ms} ms, first GET ${checked.first.get.status} in ${checked.first.get.ms} ms${checked.problem === undefined ? '' : `; NOT MEASURED: ${checked.problem}`}`);
      if (checked.problem !== undefined) {
        // Its memory still says what loading the document cost it; then it leaves the run.
        const stats = await serverStats(server.child);
        variants[variant].rssAfterChecksMiB = stats.rssMiB;
        variants[variant].peakRssMiB = stats.peakRssMiB;
        await server.stop();
        servers.delete(variant);
      }
    }
    const measured = [...servers.keys()];
    for (const [key, request] of Object.entries(spec.requests)) {
      const runs = Object.fromEntries(measured.map((v) => [v, []]));
      if (config.httpWarmupS > 0) for (const v of measured) await loadRun(generator, servers.get(v), request, config.httpWarmupS);
      for (let r = 0; r < config.httpRounds; r += 1) {
        // The order rotates each round: no variant always runs right after another.
        for (let i = 0; i < measured.length; i += 1) {
          const v = measured[(i + r) % measured.length];
          runs[v].push(await loadRun(generator, servers.get(v), request, config.httpSeconds));
        }
      }
      for (const v of measured) {
        variants[v].workloads[key] = { ...summarizeRounds(runs[v]), statusCodes: mergeStatusCodes(runs[v]) };
        const s = variants[v].workloads[key];
        log(`  ${key} ${v.padEnd(10)} ${String(s.requestsPerSecond).padStart(6)} req/s  p50 ${s.latencyP50Ms} ms  p99 ${s.latencyP99Ms} ms  CPU ${s.serverCpuMicrosPerRequest} µs/req  statuses ${JSON.stringify(s.statusCodes)}`);
      }
    }
    for (const v of measured) {
      const stats = await serverStats(servers.get(v).child);
      variants[v].rssAfterLoadMiB = stats.rssMiB;
      variants[v].peakRssMiB = stats.peakRssMiB;
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
  const workloads = {};
  for (const [key, request] of Object.entries(spec.requests)) {
    const rps = (v) => variants[v]?.workloads[key]?.requestsPerSecond;
    const ratio = (a, b) => (rps(a) === undefined || rps(b) === undefined ? null : round2(rps(a) / rps(b)));
    const cpu = (v) => variants[v]?.workloads[key]?.serverCpuMicrosPerRequest;
    const guardCpu = cpu('portcullis') === undefined || cpu('foundation') === undefined ? null : round2(cpu('portcullis') - cpu('foundation'));
    workloads[key] = { title: request.title, portcullisOverBare: ratio('portcullis', 'bare'), foundationOverBare: ratio('foundation', 'bare'), eovOverBare: ratio('eov', 'bare'), portcullisOverEov: ratio('portcullis', 'eov'), portcullisOverFoundation: ratio('portcullis', 'foundation'), guardCpuMicrosPerRequest: guardCpu };
    log(`  ${key}: Portcullis/bare ${workloads[key].portcullisOverBare ?? 'n/a'}, Portcullis/foundation ${workloads[key].portcullisOverFoundation ?? 'n/a'} (the guard ${guardCpu ?? 'n/a'} µs CPU/req), eov/bare ${workloads[key].eovOverBare ?? 'n/a'}, Portcullis/eov ${workloads[key].portcullisOverEov ?? 'n/a'}`);
  }
  return { id: document, title: spec.title, adaptation: spec.adaptation ?? null, variants, ratios: workloads };
}

async function measureHttp() {
  const generator = await startGenerator();
  try {
    const documents = [];
    for (const document of HTTP_DOCUMENTS) documents.push(await benchDocument(document, generator));
    return { connections: config.connections, warmupS: config.httpWarmupS, seconds: config.httpSeconds, rounds: config.httpRounds, documents };
  } finally {
    await generator.stop();
  }
}

// --------------------------------------------------------------------------------------------------

async function main() {
  killChildrenOnExit();
  const machine = describeMachine();
  const started = Date.now();
  log(`OpenAPI benchmark${publish ? '' : ' (quick or partial: numbers not published)'}`);
  log(`${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}, pinning: ${machine.pinning ? `children on CPU ${machine.pinning.server}, load generator on CPU ${machine.pinning.loadGenerator}` : 'off'}`);
  const output = { generatedAt: new Date().toISOString(), machine, config, targets: OPENAPI_TARGETS };
  if (config.parts.includes('startup')) {
    log('\nstart-up on the GitHub document (a fresh process per measurement)');
    output.startup = await measureStartup();
  }
  if (config.parts.includes('decide')) {
    log('\ndecide() per request, warm');
    output.decide = await measureDecide();
  }
  if (config.parts.includes('http')) {
    log('\nHTTP on loopback, Express 5');
    output.http = await measureHttp();
  }
  output.elapsedS = Math.round((Date.now() - started) / 1000);
  // With the one at the start (machine.loadAverageAtStart): other work during the run shows here.
  output.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
  output.notes = STATIC_NOTES;
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  if (!publish) {
    writeFileSync(QUICK_RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    log('\nwrote bench/results/openapi-quick.json (quick and partial runs do not touch openapi.json or docs/benchmarks.md)');
  } else {
    writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    writeReport();
    log('\nwrote bench/results/openapi.json and docs/benchmarks.md');
  }
  log(`done in ${output.elapsedS} s`);
}

main().catch((error) => {
  console.error(error);
  killAll();
  process.exitCode = 1;
});
