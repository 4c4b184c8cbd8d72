#!/usr/bin/env node
// Rate-limit benchmark, three parts in one run (docs/benchmarks.md, "Rate limits", repeats the method):
//
//  (a) decide() with rateLimit() on the Redis store (@portcullis/redis on ioredis) over loopback, at a
//      steady 2,000 decisions/s: p50/p99 from each decision's *scheduled* start (an open loop:
//      lib/open-loop.mjs), 1,000 client IPs in turn; and the same schedule on the memory store, and
//      with an operation that does nothing (the floor the client and the machine add).
//  (b) the same steady 2,000 req/s over real HTTP on loopback, one client IP, for Express 5 with
//      express-rate-limit (rate-limit-redis) and with Portcullis rateLimit() on Redis, and Fastify 5
//      with @fastify/rate-limit (its `redis` option) and with Portcullis on Redis; each framework
//      bare too. Each variant is its own server process pinned to one core; the client (node:http,
//      keep-alive agent, open loop) runs in the measuring process on the other core. Variants take turns
//      round by round; reported: p50/p99 over all rounds' requests, and the server's CPU time per
//      request (process.cpuUsage() in the server).
//  (c) memory: a firewall on the default MemoryStore with rateLimit() keyed by a header, fed one
//      decision per distinct key (1,000,000 of them), in a fresh process: RSS and heap before, after
//      100k, and on to the end. Flat means bounded by the store's maxKeys.
//
// Every limiter counts every request, with limits far above the load (none refuses).
// Redis: REDIS_URL, default redis://127.0.0.1:6379. Without Redis, (a) and the Redis variants of
// (b) are skipped with a note. Keys go under `pc-bench-rl:<pid>:` and are deleted at the end.
//
//   RL_RATE=2000          operations per second (a and b)
//   RL_DECIDE_SECONDS=10  measured seconds per store in (a), after a 1 s warm-up
//   RL_HTTP_WARMUP=3      discarded seconds per variant in (b)
//   RL_HTTP_SECONDS=5     seconds per round and variant in (b)
//   RL_HTTP_ROUNDS=3      rounds in (b) (variants alternate within each round)
//   RL_KEYS=1000000       distinct keys in (c)
//   RL_PARTS=a,b,c        only these parts        } a partial run writes results/rate-limit-quick.json,
//   RL_VARIANTS=x:y,...   only these HTTP variants } like a quick one (express5|fastify5 : bare|peer|portcullis)
//   BENCH_QUICK=1         2 s / 1 s / 2 s / 1 round / 200,000 keys; writes only the git-ignored
//                         results/rate-limit-quick.json (never rate-limit.json or docs)
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createFirewall } from '@portcullis/core';
import { describeMachine } from './lib/machine.mjs';
import { median } from './lib/measure.mjs';
import { runOpenLoop, summarizeRuns } from './lib/open-loop.mjs';
import { firstExit, firstMessage, killChildrenOnExit, PINNING, spawnNode, stop } from './lib/processes.mjs';
import { writeReport } from './lib/report.mjs';
import { portcullisRateLimitPolicy, RATE_LIMIT_PATH } from './servers/rate-limit.mjs';
import { readNumber } from './lib/config.mjs';

const RESULTS = fileURLToPath(new URL('./results/rate-limit.json', import.meta.url));
const QUICK_RESULTS = fileURLToPath(new URL('./results/rate-limit-quick.json', import.meta.url));
const SERVE = fileURLToPath(new URL('./servers/rate-limit-serve.mjs', import.meta.url));
const RSS_FLOOD = fileURLToPath(new URL('./lib/rss-flood.mjs', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_PREFIX = `pc-bench-rl:${process.pid}:`;

const config = {
  ratePerSecond: readNumber('RL_RATE', 2_000),
  decideSeconds: readNumber('RL_DECIDE_SECONDS', quick ? 2 : 10),
  httpWarmupSeconds: readNumber('RL_HTTP_WARMUP', quick ? 1 : 3, { min: 0 }),
  httpSeconds: readNumber('RL_HTTP_SECONDS', quick ? 2 : 5),
  httpRounds: readNumber('RL_HTTP_ROUNDS', quick ? 1 : 3),
  distinctKeys: readNumber('RL_KEYS', quick ? 200_000 : 1_000_000),
  parts: readParts(),
  variants: process.env.RL_VARIANTS === undefined || process.env.RL_VARIANTS === '' ? undefined : process.env.RL_VARIANTS.split(',').map((v) => v.trim()),
};

/** RL_PARTS=a,b,c: which parts to run (default all). */
function readParts() {
  const text = process.env.RL_PARTS;
  if (text === undefined || text === '') return ['a', 'b', 'c'];
  const parts = text.split(',').map((p) => p.trim());
  for (const part of parts) if (!['a', 'b', 'c'].includes(part)) throw new Error(`RL_PARTS: unknown part "${part}" (known: a, b, c)`);
  return parts;
}

const log = (message) => process.stdout.write(`${message}\n`);
const ms = (us) => (us === undefined ? 'n/a' : `${(us / 1_000).toFixed(3)} ms`);

/** Where Redis is, without any credentials the URL may carry. */
function redisWhere(url) {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'unparsable REDIS_URL';
  }
}

/** The server's version, or undefined when Redis cannot be reached (a probe that gives up fast). */
async function probeRedis() {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const info = await probe.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
}

/** How many keys exist under `prefix` (bounded SCAN). */
async function countKeys(redis, prefix) {
  let cursor = '0';
  let count = 0;
  for (let i = 0; i < 1_000; i += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    count += keys.length;
    cursor = next;
    if (cursor === '0') break;
  }
  return count;
}

/** Deletes every key this run wrote (they expire within a minute anyway). */
async function deleteRunKeys(redis) {
  let cursor = '0';
  for (let i = 0; i < 10_000; i += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${RUN_PREFIX}*`, 'COUNT', 1_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
}

// ---------------------------------------------------------------------------------------------
// (a) decide() at a steady rate

const CLIENTS = 1_000;
const DECIDE_HEADERS = ['Host', '127.0.0.1:3000', 'User-Agent', 'bench/1.0', 'Accept', 'application/json'];

async function benchDecide(rateLimitModule, storeName, store) {
  const firewall = createFirewall(portcullisRateLimitPolicy(rateLimitModule, store));
  await firewall.ready();
  try {
    const inits = Array.from({ length: CLIENTS }, (_, i) => ({ method: 'GET', target: RATE_LIMIT_PATH, headers: DECIDE_HEADERS, remoteAddress: `10.0.${i >> 8}.${i & 255}` }));
    // A decision the insurance limiter answered (the store failed) is not a measurement of the store.
    const decideOk = (i) => firewall.decide(inits[i % CLIENTS]).then((d) => d.outcome === 'allow' && d.annotations['ratelimit.store'] === storeName);
    const check = await firewall.decide(inits[0]);
    if (check.outcome !== 'allow' || check.annotations['ratelimit.store'] !== storeName) {
      throw new Error(`decide on the ${storeName} store: expected allow counted in ${storeName}, got ${check.outcome} (store ${check.annotations['ratelimit.store']})`);
    }
    await runOpenLoop({ ratePerSecond: config.ratePerSecond, durationMs: 1_000, operation: decideOk });
    const run = await runOpenLoop({ ratePerSecond: config.ratePerSecond, durationMs: config.decideSeconds * 1_000, operation: decideOk });
    const summary = summarizeRuns([run]);
    log(`  ${storeName.padEnd(6)} p50 ${ms(summary.latencyUs?.p50)}  p99 ${ms(summary.latencyUs?.p99)}  p99.9 ${ms(summary.latencyUs?.p999)}  (${summary.completed} ok, ${summary.failed} wrong, ${summary.errors} errors, ${summary.skipped} skipped; start lag p99 ${ms(summary.startLagUs?.p99)})`);
    return { store: storeName, ...summary };
  } finally {
    await firewall.close();
  }
}

/**
 * The schedule with an operation that does nothing: what the client and the machine add to every
 * latency below (on a shared virtual machine, the scheduler's own pauses). Read p99s against it.
 */
async function benchFloor() {
  const noop = () => true;
  await runOpenLoop({ ratePerSecond: config.ratePerSecond, durationMs: 1_000, operation: noop });
  const summary = summarizeRuns([await runOpenLoop({ ratePerSecond: config.ratePerSecond, durationMs: config.decideSeconds * 1_000, operation: noop })]);
  log(`  no-op  p50 ${ms(summary.latencyUs?.p50)}  p99 ${ms(summary.latencyUs?.p99)}  p99.9 ${ms(summary.latencyUs?.p999)}  max ${ms(summary.latencyUs?.max)}`);
  return { store: 'none', ...summary };
}

// ---------------------------------------------------------------------------------------------
// (b) HTTP at a steady rate

const HTTP_VARIANTS = [
  { framework: 'express5', frameworkTitle: 'Express 5', variant: 'bare', limiter: 'none' },
  { framework: 'express5', frameworkTitle: 'Express 5', variant: 'peer', limiter: 'express-rate-limit' },
  { framework: 'express5', frameworkTitle: 'Express 5', variant: 'portcullis', limiter: 'Portcullis rateLimit()' },
  { framework: 'fastify5', frameworkTitle: 'Fastify 5', variant: 'bare', limiter: 'none' },
  { framework: 'fastify5', frameworkTitle: 'Fastify 5', variant: 'peer', limiter: '@fastify/rate-limit' },
  { framework: 'fastify5', frameworkTitle: 'Fastify 5', variant: 'portcullis', limiter: 'Portcullis rateLimit()' },
];

/** The header that shows the limiter counted the request. */
const LIMITER_HEADER = { bare: undefined, peer: { express5: 'ratelimit', fastify5: 'x-ratelimit-remaining' }, portcullis: { express5: 'ratelimit', fastify5: 'ratelimit' } };

async function startVariant(v) {
  const prefix = `${RUN_PREFIX}${v.framework}-${v.variant}:`;
  const child = spawnNode(SERVE, [v.framework, v.variant, prefix], PINNING?.server);
  try {
    const message = await firstMessage(child, 20_000, `${v.framework}/${v.variant} server`);
    if (message.error !== undefined) throw new Error(message.error.split('\n')[0]);
    const cpuMicros = async () => {
      const answer = firstMessage(child, 5_000, 'server CPU time');
      child.send('cpu');
      return (await answer).cpuMicros;
    };
    return { ...v, prefix, store: message.store, port: message.port, cpuMicros, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** One GET on a keep-alive connection; resolves with the status and headers, rejects after 2 s. */
function get(agent, port) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: RATE_LIMIT_PATH, method: 'GET', agent, headers: { accept: 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers }));
      response.on('error', reject);
    });
    request.setTimeout(2_000, () => request.destroy(new Error('no answer within 2 s')));
    request.on('error', reject);
    request.end();
  });
}

/** Returns undefined when the variant answers and counts as its name says, else what is wrong. */
async function checkVariant(server, agent, redis) {
  const first = await get(agent, server.port);
  if (first.status !== 200) return `answered ${first.status}`;
  const header = LIMITER_HEADER[server.variant]?.[server.framework];
  if (header !== undefined && first.headers[header] === undefined) return `no ${header} header: the limiter did not count`;
  if (server.store === 'redis' && (await countKeys(redis, server.prefix)) === 0) return `no key under its prefix in Redis: the limiter does not count there`;
  return undefined;
}

async function benchHttp(redis, redisAvailable, notes) {
  const wanted = HTTP_VARIANTS.filter((v) => (v.variant === 'bare' || redisAvailable) && (config.variants === undefined || config.variants.includes(`${v.framework}:${v.variant}`)));
  if (!redisAvailable) notes.push('Redis was not reachable: the rate-limited HTTP variants were not measured.');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const servers = [];
  try {
    for (const v of wanted) {
      try {
        const server = await startVariant(v);
        const problem = await checkVariant(server, agent, redis);
        if (problem !== undefined) {
          notes.push(`${v.frameworkTitle} ${v.limiter}: not measured, ${problem}.`);
          log(`  skip ${v.framework}/${v.variant}: ${problem}`);
          await server.stop();
          continue;
        }
        if (v.variant === 'peer' && server.store !== 'redis') notes.push(`${v.frameworkTitle} ${v.limiter}: counted in its memory store (its Redis store is not installed).`);
        servers.push({ ...server, runs: [], cpuPerRequest: [] });
      } catch (error) {
        notes.push(`${v.frameworkTitle} ${v.limiter}: did not start (${error.message}).`);
        log(`  skip ${v.framework}/${v.variant}: ${error.message}`);
      }
    }
    const operation = (server) => () => get(agent, server.port).then((r) => r.status === 200);
    if (config.httpWarmupSeconds > 0) {
      for (const server of servers) await runOpenLoop({ ratePerSecond: config.ratePerSecond, durationMs: config.httpWarmupSeconds * 1_000, operation: operation(server), maxInFlight: 256 });
    }
    for (let round = 0; round < config.httpRounds; round += 1) {
      for (const server of servers) {
        const cpuBefore = await server.cpuMicros();
        const run = await runOpenLoop({ ratePerSecond: config.ratePerSecond, durationMs: config.httpSeconds * 1_000, operation: operation(server), maxInFlight: 256 });
        const cpuAfter = await server.cpuMicros();
        server.runs.push(run);
        if (run.completed > 0) server.cpuPerRequest.push((cpuAfter - cpuBefore) / run.completed);
        const summary = summarizeRuns([run]);
        log(`  round ${round + 1} ${`${server.framework}/${server.variant}`.padEnd(20)} p50 ${ms(summary.latencyUs?.p50)}  p99 ${ms(summary.latencyUs?.p99)}  (start lag p99 ${ms(summary.startLagUs?.p99)}, ${run.failed + run.errors + run.skipped} failed)`);
      }
    }
    return servers.map((s) => {
      const summary = summarizeRuns(s.runs);
      return {
        framework: s.framework,
        frameworkTitle: s.frameworkTitle,
        variant: s.variant,
        limiter: s.limiter,
        store: s.store,
        ...summary,
        serverCpuMicrosPerRequest: s.cpuPerRequest.length === 0 ? null : Math.round(median(s.cpuPerRequest) * 10) / 10,
      };
    });
  } finally {
    agent.destroy();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Portcullis / peer per framework, for p50, p99 and server CPU per request (below 1 = Portcullis better). */
function ratios(variants) {
  const out = [];
  for (const framework of [...new Set(variants.map((v) => v.framework))]) {
    const find = (variant) => variants.find((v) => v.framework === framework && v.variant === variant);
    const portcullis = find('portcullis');
    const peer = find('peer');
    if (portcullis === undefined || peer === undefined) continue;
    const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100);
    out.push({
      framework,
      frameworkTitle: portcullis.frameworkTitle,
      peer: peer.limiter,
      peerStore: peer.store,
      p50: ratio(portcullis.latencyUs?.p50, peer.latencyUs?.p50),
      p99: ratio(portcullis.latencyUs?.p99, peer.latencyUs?.p99),
      serverCpu: ratio(portcullis.serverCpuMicrosPerRequest, peer.serverCpuMicrosPerRequest),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// (c) memory under a flood of distinct keys

async function benchRss() {
  const checkpoints = [100_000, 250_000, 500_000, config.distinctKeys].filter((n, i, all) => n <= config.distinctKeys && all.indexOf(n) === i);
  const child = spawnNode(RSS_FLOOD, [String(config.distinctKeys), checkpoints.join(',')], undefined, ['--expose-gc']);
  try {
    // Bounded: a decide on the memory store takes microseconds; a minute per 100k would be a hang.
    const result = await firstMessage(child, 60_000 + config.distinctKeys * 0.6, 'memory flood');
    if (result.error !== undefined) throw new Error(result.error);
    let previous;
    for (const c of result.checkpoints) {
      const perDecision = previous === undefined ? '' : `, ${(((c.elapsedMs - previous.elapsedMs) / (c.decisions - previous.decisions)) * 1_000).toFixed(1)} µs/decision since the previous line`;
      log(`  after ${String(c.decisions).padStart(9)} distinct keys: RSS ${c.rssMiB} MiB, heap ${c.heapUsedMiB} MiB, store keys ${c.storeKeys}${perDecision}`);
      previous = c;
    }
    return { distinctKeys: config.distinctKeys, maxKeys: result.maxKeys, elapsedMs: result.elapsedMs, checkpoints: result.checkpoints };
  } finally {
    await stop(child);
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  killChildrenOnExit();
  const machine = describeMachine();
  const notes = [];
  const rateLimitModule = await import('@portcullis/rate-limit');
  const redisVersion = await probeRedis();
  const redisAvailable = redisVersion !== undefined;
  log(`Redis at ${redisWhere(REDIS_URL)}: ${redisAvailable ? `version ${redisVersion}` : 'not reachable'}`);
  const redis = redisAvailable ? new Redis(REDIS_URL) : undefined;
  try {
    const decide = [];
    if (config.parts.includes('a')) {
      log(`(a) decide() at ${config.ratePerSecond}/s for ${config.decideSeconds} s per store`);
      decide.push(await benchFloor());
      decide.push(await benchDecide(rateLimitModule, 'memory', undefined));
      if (redisAvailable) {
        const { redisStore } = await import('@portcullis/redis');
        decide.push(await benchDecide(rateLimitModule, 'redis', redisStore({ client: redis, prefix: `${RUN_PREFIX}decide:` })));
      } else {
        notes.push('Redis was not reachable: decide() on the Redis store was not measured.');
      }
    }
    let variants = [];
    if (config.parts.includes('b')) {
      log(`(b) HTTP at ${config.ratePerSecond} req/s: ${config.httpRounds} round(s) of ${config.httpSeconds} s per variant`);
      variants = await benchHttp(redis, redisAvailable, notes);
    }
    let rss;
    if (config.parts.includes('c')) {
      log(`(c) memory: ${config.distinctKeys.toLocaleString('en-US')} decisions with distinct keys`);
      rss = await benchRss();
    }

    const output = {
      generatedAt: new Date().toISOString(),
      quick,
      machine: { ...machine, loadAverageAtStart: JSON.parse(process.env.RL_LOAD_AVERAGE ?? 'null') ?? machine.loadAverageAtStart },
      config,
      redis: redisAvailable ? { where: redisWhere(REDIS_URL), version: redisVersion, client: 'ioredis' } : null,
      decide,
      http: { variants, ratios: ratios(variants) },
      rss,
      notes,
    };
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    // Only a whole run is published; a quick or partial one (RL_PARTS, RL_VARIANTS) is a smoke test.
    const partial = config.parts.length < 3 || config.variants !== undefined;
    if (quick || partial) {
      writeFileSync(QUICK_RESULTS, `${JSON.stringify(output, null, 2)}\n`);
      log(`wrote bench/results/rate-limit-quick.json (a ${quick ? 'quick' : 'partial'} run does not touch rate-limit.json or docs/benchmarks.md)`);
    } else {
      writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
      writeReport();
      log('wrote bench/results/rate-limit.json and docs/benchmarks.md');
    }
  } finally {
    if (redis !== undefined) {
      await deleteRunKeys(redis).catch(() => undefined);
      await redis.quit();
    }
  }
}

/**
 * The measuring process is this script again, started as a child: pinned to the load core (all its
 * threads) and with `--single-threaded-gc`. Its open loop keeps its main thread busy; V8's parallel
 * GC helpers, left to run on the server's core, made each scavenge wait for a core the server was
 * using (scavenges of 10 ms and more were seen), and the client's stalls then showed up as latency.
 */
async function orchestrate() {
  killChildrenOnExit();
  // The machine's load before any benchmark process starts (the report warns when it is high).
  process.env.RL_LOAD_AVERAGE = JSON.stringify(describeMachine().loadAverageAtStart);
  process.env.RL_WORKER = '1';
  process.env.BENCH_PINNING = JSON.stringify(PINNING ?? null);
  const worker = spawnNode(fileURLToPath(import.meta.url), [], PINNING?.load, ['--single-threaded-gc']);
  // Bounded: the longest settings allowed still finish well within a few hours.
  const code = await firstExit(worker, 4 * 3_600_000, 'rate-limit benchmark');
  process.exitCode = code === 0 ? 0 : 1;
}

(process.env.RL_WORKER === '1' ? main : orchestrate)().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
