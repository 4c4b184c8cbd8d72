#!/usr/bin/env node
// Micro benchmark: the cost of `decide()` per guard, on a warm firewall, without HTTP.
//
// Method: every case builds its firewall once and awaits ready(); a warm-up of discarded decides
// lets the JIT settle; then the cases take turns (one batch of decides each, round after round),
// so that drifts of the machine spread over all cases instead of biasing the last ones. Each batch
// is timed with process.hrtime.bigint(); the median batch time per decide is reported.
// Request objects are built before a batch starts, so their cost is not measured (a Web stream
// body must be new for each decide).
//
//   MICRO_SAMPLES=31   batches per case      MICRO_BATCH=2000   decides per batch
//   MICRO_WARMUP=5000  discarded decides per case
//   BENCH_QUICK=1      a few samples, prints only (does not write results or docs)
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFirewall } from '@portcullis/core';
import { describeMachine } from './lib/machine.mjs';
import { median } from './lib/measure.mjs';
import { MICRO_CASES } from './lib/micro-cases.mjs';
import { writeReport } from './lib/report.mjs';

const RESULTS = fileURLToPath(new URL('./results/micro.json', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';

function readCount(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10_000_000) throw new Error(`${name} must be an integer from 1 to 10000000, got "${text}"`);
  return value;
}

const config = {
  samples: readCount('MICRO_SAMPLES', quick ? 5 : 31),
  batch: readCount('MICRO_BATCH', quick ? 500 : 2_000),
  warmup: readCount('MICRO_WARMUP', quick ? 1_000 : 5_000),
};

/** Builds the case's firewall and checks that it allows the case's request (and parses its body). */
async function prepare(benchCase) {
  const firewall = createFirewall(benchCase.policy);
  await firewall.ready();
  const decision = await firewall.decide(benchCase.makeInit());
  if (decision.outcome !== 'allow' || !decision.enforced) {
    throw new Error(`case ${benchCase.id}: expected allow, got ${decision.outcome} (${decision.code ?? 'no code'}, guard ${decision.guard ?? '-'})`);
  }
  if (benchCase.expectBody && (typeof decision.body !== 'object' || decision.body === null)) {
    throw new Error(`case ${benchCase.id}: the decision carries no parsed body`);
  }
  return { ...benchCase, firewall, times: [] };
}

/** Times `count` serial decides; returns nanoseconds per decide. */
async function timeBatch(prepared, count) {
  const inits = Array.from({ length: count }, () => prepared.makeInit());
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await prepared.firewall.decide(inits[i]);
  return Number(process.hrtime.bigint() - start) / count;
}

async function main() {
  const machine = describeMachine();
  const cases = [];
  for (const benchCase of MICRO_CASES) cases.push(await prepare(benchCase));
  for (const prepared of cases) await timeBatch(prepared, config.warmup);
  for (let sample = 0; sample < config.samples; sample += 1) {
    for (const prepared of cases) prepared.times.push(await timeBatch(prepared, config.batch));
  }
  const results = cases.map((c) => {
    const medianNs = median(c.times);
    return { id: c.id, title: c.title, request: c.request, medianNs: Math.round(medianNs), opsPerSecond: Math.round(1e9 / medianNs), minNs: Math.round(Math.min(...c.times)), maxNs: Math.round(Math.max(...c.times)) };
  });
  await Promise.all(cases.map((c) => c.firewall.close()));

  for (const r of results) console.log(`${r.title.padEnd(52)} ${String(r.medianNs).padStart(7)} ns/decide  ${String(r.opsPerSecond).padStart(9)} decides/s  (batches ${r.minNs}–${r.maxNs} ns)`);
  if (quick) return;
  const notes = [
    'The request-limits guard and the body reader are part of every policy (they cannot be turned off), so `minimal` already runs them; `+ explicit limits` runs the same guard with other values.',
    'Each decide also generates a random request id and builds the Decision object; that cost is in every row.',
    'Core only: the adapter\'s work (reading the socket, copying headers onto the response) is in the load benchmark, not here.',
  ];
  const output = { generatedAt: new Date().toISOString(), machine: { cpus: machine.cpus, cpusAvailable: machine.cpusAvailable, cpuModel: machine.cpuModel, node: machine.node, loadAverageAtStart: machine.loadAverageAtStart }, config, cases: results, notes };
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  writeReport();
  console.log('wrote bench/results/micro.json and docs/benchmarks.md');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
