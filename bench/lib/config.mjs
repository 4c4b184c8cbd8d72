// Run settings, from the environment. Defaults finish a full run in about fifteen minutes on two
// cores; BENCH_QUICK=1 is a two-minute smoke run whose numbers are too short to publish.
//
//   BENCH_QUICK=1           quick mode (1 round of 2 s, 1 s warm-up, Express 4 left out)
//   BENCH_DURATION=6        seconds per measured run
//   BENCH_ROUNDS=3          measured runs per variant and workload (the median is reported)
//   BENCH_WARMUP=3          seconds of discarded load per variant and workload before the rounds
//   BENCH_CONNECTIONS=50    autocannon connections (pipelining is always 1)
//   BENCH_FRAMEWORKS=a,b    only these framework ids (express5, express4, fastify5, koa3, hono4)
//   BENCH_WORKLOADS=a,b     only these workloads (small, auth-1k, jwt-mix)
import { FRAMEWORKS, VARIANTS_BY_WORKLOAD } from './frameworks.mjs';

/** An integer setting from the environment, or the fallback when unset; anything else is an error naming it. */
export function readNumber(name, fallback, { min = 1, max = 10_000_000 } = {}) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function readList(name, known, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of list) if (!known.includes(item)) throw new Error(`${name}: unknown "${item}" (known: ${known.join(', ')})`);
  return list;
}

export function readConfig() {
  const quick = process.env.BENCH_QUICK === '1';
  const frameworkIds = FRAMEWORKS.map((f) => f.id);
  const workloads = Object.keys(VARIANTS_BY_WORKLOAD);
  return {
    quick,
    durationS: readNumber('BENCH_DURATION', quick ? 2 : 6, { min: 1, max: 600 }),
    rounds: readNumber('BENCH_ROUNDS', quick ? 1 : 3, { min: 1, max: 50 }),
    warmupS: readNumber('BENCH_WARMUP', quick ? 1 : 3, { min: 0, max: 120 }),
    connections: readNumber('BENCH_CONNECTIONS', 50, { min: 1, max: 1_000 }),
    frameworks: readList('BENCH_FRAMEWORKS', frameworkIds, quick ? frameworkIds.filter((id) => id !== 'express4') : frameworkIds),
    workloads: readList('BENCH_WORKLOADS', workloads, workloads),
  };
}
