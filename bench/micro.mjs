#!/usr/bin/env node
// Micro benchmark: the cost of `decide()` per guard (foundation, identity, rate limit), on a warm
// firewall, without HTTP; and, in a `library` section, jose's jwtVerify called directly, so the raw
// library cost sits next to the cost of a decision that uses it.
//
// Method: every case builds its firewall once and awaits ready(); a warm-up of discarded decides
// lets the JIT settle; then the cases take turns (one batch of decides each, round after round),
// so that drifts of the machine spread over all cases instead of biasing the last ones. Each batch
// is timed with process.hrtime.bigint(); the median batch time per decide is reported.
// Request objects are built before a batch starts, so their cost is not measured (a Web stream
// body must be new for each decide; a cold identity case takes the next unused credential).
//
//   MICRO_SAMPLES=31   batches per case      MICRO_BATCH=2000   decides per batch
//   MICRO_WARMUP=5000  discarded decides per case
//   BENCH_QUICK=1      a few samples; writes only the git-ignored results/micro-quick.json (never
//                      micro.json or docs: quick numbers are not published)
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as auth from '@portcullis/auth';
import { createFirewall } from '@portcullis/core';
import { describeMachine } from './lib/machine.mjs';
import { median } from './lib/measure.mjs';
import { identityMicroCases, libraryMicroCases, MICRO_CASES, rateLimitMicroCases } from './lib/micro-cases.mjs';
import { writeReport } from './lib/report.mjs';
import { readNumber } from './lib/config.mjs';

const RESULTS = fileURLToPath(new URL('./results/micro.json', import.meta.url));
const QUICK_RESULTS = fileURLToPath(new URL('./results/micro-quick.json', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';

const config = {
  samples: readNumber('MICRO_SAMPLES', quick ? 5 : 31),
  batch: readNumber('MICRO_BATCH', quick ? 500 : 2_000),
  warmup: readNumber('MICRO_WARMUP', quick ? 1_000 : 5_000),
};

/** Calls per case: the check in prepare, the warm-up and every batch. Sizes the cold cases' credential pools. */
const callsPerCase = 1 + config.warmup + config.samples * config.batch;

/** Builds the case's firewall and checks that it allows the case's request (and parses its body). */
async function prepareDecide(benchCase) {
  const firewall = createFirewall(benchCase.policy);
  await firewall.ready();
  const decision = await firewall.decide(benchCase.makeInit());
  if (decision.outcome !== 'allow' || !decision.enforced) {
    throw new Error(`case ${benchCase.id}: expected allow, got ${decision.outcome} (${decision.code ?? 'no code'}, guard ${decision.guard ?? '-'})`);
  }
  if (benchCase.expectBody && (typeof decision.body !== 'object' || decision.body === null)) {
    throw new Error(`case ${benchCase.id}: the decision carries no parsed body`);
  }
  return { ...benchCase, section: 'decide', makeInput: benchCase.makeInit, run: (init) => firewall.decide(init), close: () => firewall.close(), times: [] };
}

/** A library call is checked once (a token it refuses would make the row meaningless). */
async function prepareLibrary(benchCase) {
  await benchCase.call();
  return { ...benchCase, section: 'library', makeInput: () => undefined, run: benchCase.call, close: async () => {}, times: [] };
}

/** Times `count` serial calls; returns nanoseconds per call. */
async function timeBatch(prepared, count) {
  const inputs = Array.from({ length: count }, () => prepared.makeInput());
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await prepared.run(inputs[i]);
  return Number(process.hrtime.bigint() - start) / count;
}

function summarize(c) {
  const medianNs = median(c.times);
  return { id: c.id, title: c.title, request: c.request, ...(c.group === undefined ? {} : { group: c.group }), medianNs: Math.round(medianNs), opsPerSecond: Math.round(1e9 / medianNs), minNs: Math.round(Math.min(...c.times)), maxNs: Math.round(Math.max(...c.times)) };
}

function print(rows, minimalNs) {
  for (const r of rows) {
    const delta = minimalNs === undefined || r.id === 'minimal' ? '' : `  (${r.medianNs >= minimalNs ? '+' : '-'}${Math.abs(r.medianNs - minimalNs)} ns vs minimal)`;
    console.log(`${r.title.padEnd(52)} ${String(r.medianNs).padStart(7)} ns/call  ${String(r.opsPerSecond).padStart(9)} calls/s  (batches ${r.minNs}–${r.maxNs} ns)${delta}`);
  }
}

async function main() {
  const machine = describeMachine();
  const identity = identityMicroCases(auth, { decidesPerCase: callsPerCase });
  // Imported here, not at the top: a run without the package built still measures everything else.
  const rateLimits = rateLimitMicroCases(await import('@portcullis/rate-limit').catch(() => undefined));
  for (const note of [...identity.skipped, ...rateLimits.skipped]) console.log(`skipped: ${note}`);
  const cases = [];
  for (const benchCase of [...MICRO_CASES, ...identity.cases, ...rateLimits.cases]) cases.push(await prepareDecide(benchCase));
  for (const benchCase of await libraryMicroCases()) cases.push(await prepareLibrary(benchCase));
  // Cases take turns in rounds, so drifts of the machine spread over all of them. WebCrypto cases
  // (cold verifications, jose itself) run in rounds of their own: their thread-pool work and garbage
  // would otherwise land in the next case's batch and inflate the synchronous (cached) rows.
  const usesWebCrypto = (c) => c.section === 'library' || c.id.endsWith('-cold');
  for (const group of [cases.filter((c) => !usesWebCrypto(c)), cases.filter(usesWebCrypto)]) {
    for (const prepared of group) await timeBatch(prepared, config.warmup);
    for (let sample = 0; sample < config.samples; sample += 1) {
      for (const prepared of group) prepared.times.push(await timeBatch(prepared, config.batch));
    }
  }
  const results = cases.filter((c) => c.section === 'decide').map(summarize);
  const library = cases.filter((c) => c.section === 'library').map(summarize);
  await Promise.all(cases.map((c) => c.close()));

  print(results, results.find((r) => r.id === 'minimal')?.medianNs);
  console.log('library (no decide):');
  print(library, undefined);
  const notes = [
    'The request-limits guard and the body reader are part of every policy (they cannot be turned off), so `minimal` already runs them; `+ explicit limits` runs the same guard with other values.',
    'Each decide also generates a random request id and builds the Decision object; that cost is in every row.',
    'Core only: the adapter\'s work (reading the socket, copying headers onto the response) is in the load benchmark, not here.',
    `Identity cases run on the minimal policy. Cached JWT cases send one token every time (served from the guard's verified-token cache after the first decide). Cold cases send a token never seen before on every decide, from a pool of ${callsPerCase.toLocaleString('en-US')} tokens signed with node:crypto at start-up; the guard's cache stays on, so the row includes hashing the token and caching the result (evicting the oldest entry once the default 10,000 are cached).`,
    'The API key travels in `X-Api-Key` (the guard\'s default header), not in `Authorization`. The signed GET carries a new nonce every decide, which the guard stores in the policy\'s MemoryStore (the replay check is part of the cost); its requests are signed at start-up with a one-hour window.',
    'Cold JWT rows and the library rows are wall time per serial call: WebCrypto verifies on libuv\'s thread pool, and the main thread waits idle for part of it. A server under load fills that wait with other requests, so these rows overstate the CPU a verification takes from the event loop.',
    'Library rows call jose\'s `jwtVerify` directly with the same checks as the guard (algorithm, issuer, audience, exp): with a CryptoKey imported once (what `jwt()` does), and for HS256 also with the secret as raw bytes (jose then imports the key on every call, the cost `jwt()` avoids).',
    'Cold JWT rows and library rows run in rounds of their own, after the other cases: WebCrypto\'s thread-pool work and garbage would otherwise fall into the next case\'s batches.',
    'Rate-limit cases count in the policy\'s default MemoryStore, one client IP, with limits far above the number of decides (every decide is counted, none is refused); the two-window case also counts a daily quota (three counters per decide). The Redis store is measured under a steady load by `bench/rate-limit.mjs`.',
    ...[...identity.skipped, ...rateLimits.skipped].map((note) => `Not measured: ${note}.`),
  ];
  const output = { generatedAt: new Date().toISOString(), machine: { cpus: machine.cpus, cpusAvailable: machine.cpusAvailable, cpuModel: machine.cpuModel, node: machine.node, loadAverageAtStart: machine.loadAverageAtStart }, config, cases: results, library, notes };
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  if (quick) {
    writeFileSync(QUICK_RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    console.log('wrote bench/results/micro-quick.json (quick mode does not touch micro.json or docs/benchmarks.md)');
    return;
  }
  writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  writeReport();
  console.log('wrote bench/results/micro.json and docs/benchmarks.md');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
