#!/usr/bin/env node
// Load benchmark: for each framework, the same app bare, behind Portcullis (foundation guards, and
// jwt() on the authenticated routes) and behind the peer stack a user would otherwise assemble
// (JWT + schema validation + rate limit; or the JWT middleware alone for jwt-mix), in one run on
// one machine, so that the ratios to bare are comparable.
//
// Method (docs/benchmarks.md repeats it next to the numbers):
// - One server process per variant, all started up front and pinned to one core; the load
//   generator (autocannon) runs in its own process pinned to the other core (lib/processes.mjs).
// - Each variant gets a discarded warm-up (JIT, caches, lazy set-up such as the OpenAPI validator's).
// - Measured runs alternate between variants (bare, portcullis, peer, bare, ...) instead of running
//   all rounds of one variant then the next: slow drifts of the machine (thermal, neighbours, a
//   noisy hypervisor) then hit every variant alike instead of biasing whichever ran last.
// - The median of the rounds is reported, with min and max, so that noise stays visible.
//
// Usage: node bench/run.mjs (settings in lib/config.mjs). Full runs write bench/results/latest.json,
// then run micro.mjs (unless BENCH_MICRO=0), and regenerate docs/benchmarks.md; BENCH_QUICK=1 only
// writes bench/results/quick.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readConfig } from './lib/config.mjs';
import { adapterStatus, frameworkById, VARIANTS_BY_WORKLOAD } from './lib/frameworks.mjs';
import { describeMachine } from './lib/machine.mjs';
import { startLoadGenerator, summarizeRounds } from './lib/measure.mjs';
import { firstExit, killAll, killChildrenOnExit, PINNING, spawnNode } from './lib/processes.mjs';
import { writeReport } from './lib/report.mjs';
import { checkVariant, startServer } from './lib/servers.mjs';
import { JWT_MIX_PATH, ORDER_PATH, WORKLOADS } from './lib/workload.mjs';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const HISTORY_DIR = fileURLToPath(new URL('../.bench-results/', import.meta.url));

function log(message) {
  process.stdout.write(`${message}\n`);
}

/** Starts every variant server the selected workloads need; a variant that cannot run is noted. */
async function startVariants(framework, workloads, notes) {
  const wanted = [...new Set(workloads.flatMap((w) => VARIANTS_BY_WORKLOAD[w]))];
  const servers = new Map();
  for (const variant of wanted) {
    if (variant === 'portcullis') {
      const status = await adapterStatus(framework);
      if (!status.ok) {
        notes.push(`${framework.title}: portcullis variant skipped: ${status.reason}.`);
        log(`  skip portcullis: ${status.reason}`);
        continue;
      }
    }
    try {
      servers.set(variant, await startServer(framework, variant));
    } catch (error) {
      notes.push(`${framework.title}: ${variant} variant skipped: it did not start (${error.message.split('\n')[0]}).`);
      log(`  skip ${variant}: ${error.message}`);
    }
  }
  return servers;
}

async function benchWorkload(framework, workload, servers, generator, config, notes) {
  const variants = [];
  for (const variant of VARIANTS_BY_WORKLOAD[workload]) {
    const server = servers.get(variant);
    if (server === undefined) continue;
    const problem = await checkVariant(server.url, variant, workload).catch((error) => `check failed: ${error.message}`);
    if (problem === undefined) variants.push(variant);
    else {
      notes.push(`${framework.title}, ${workload}: ${variant} variant not measured: ${problem}.`);
      log(`  skip ${variant} on ${workload}: ${problem}`);
    }
  }
  if (variants.length === 0) return undefined;
  if (config.warmupS > 0) {
    for (const variant of variants) await generator.run(servers.get(variant).url, workload, { ...config, durationS: config.warmupS });
  }
  const runs = new Map(variants.map((v) => [v, []]));
  for (let round = 1; round <= config.rounds; round += 1) {
    for (const variant of variants) {
      const server = servers.get(variant);
      const cpuBefore = await server.cpuMicros();
      const result = await generator.run(server.url, workload, config);
      result.serverCpuMicrosPerRequest = (await server.cpuMicros() - cpuBefore) / Math.max(1, result.totalRequests);
      runs.get(variant).push(result);
      log(`  ${workload.padEnd(8)} round ${round}/${config.rounds} ${variant.padEnd(10)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  p50 ${result.latencyMs.p50} ms  p99 ${result.latencyMs.p99} ms  server CPU ${Math.round(result.serverCpuMicrosPerRequest)} µs/req`);
    }
  }
  const summaries = {};
  for (const [variant, list] of runs) summaries[variant] = summarizeRounds(list);
  const bare = summaries.bare?.requestsPerSecond;
  const bareCpu = summaries.bare?.serverCpuMicrosPerRequest;
  for (const summary of Object.values(summaries)) {
    summary.ratioToBare = bare ? summary.requestsPerSecond / bare : null;
    // What the throughput ratio would be on a core of its own: CPU per request does not depend on
    // what else runs on the machine, so this is the cross-check for a noisy run.
    summary.cpuRatioToBare = bareCpu ? bareCpu / summary.serverCpuMicrosPerRequest : null;
  }
  for (const [variant, summary] of Object.entries(summaries)) {
    if (summary.non2xx > 0 || summary.errors > 0) {
      notes.push(`${framework.title}, ${workload}, ${variant}: ${summary.non2xx} non-2xx answers and ${summary.errors} errors during the runs.`);
    }
  }
  return { title: WORKLOADS[workload].title, variants: summaries };
}

async function benchFramework(framework, generator, config, notes) {
  log(`\n${framework.title}`);
  const servers = await startVariants(framework, config.workloads, notes);
  try {
    const workloads = {};
    for (const workload of config.workloads) {
      const result = await benchWorkload(framework, workload, servers, generator, config, notes);
      if (result !== undefined) workloads[workload] = result;
    }
    return { id: framework.id, title: framework.title, workloads };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}

/** The micro benchmark, after the load runs, so that the page shows both from the same session. */
async function runMicro() {
  log('\nmicro benchmark (BENCH_MICRO=0 skips it)');
  const child = spawnNode(fileURLToPath(new URL('./micro.mjs', import.meta.url)), [], PINNING?.server);
  const code = await firstExit(child, 300_000, 'micro benchmark');
  if (code !== 0) throw new Error(`micro benchmark failed (exit ${code})`);
}

async function main() {
  killChildrenOnExit();
  const config = readConfig();
  const machine = describeMachine();
  log(`Portcullis load benchmark${config.quick ? ' (quick mode: numbers not published)' : ''}`);
  log(`${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}, pinning: ${machine.pinning ? `servers on CPU ${machine.pinning.server}, load generator on CPU ${machine.pinning.loadGenerator}` : 'off'}`);
  log(`${config.rounds} rounds x ${config.durationS} s, warm-up ${config.warmupS} s, ${config.connections} connections, frameworks: ${config.frameworks.join(', ')}`);
  const started = Date.now();
  const notes = [];
  const frameworks = [];
  const generator = await startLoadGenerator();
  try {
    for (const id of config.frameworks) frameworks.push(await benchFramework(frameworkById(id), generator, config, notes));
  } finally {
    await generator.stop();
  }
  // What the `portcullis` variants ran, so that a report built from these results describes them
  // (results from before the jwt() guard joined the policy have no `policy`).
  const policy = { jwt: `\`jwt()\` (HS256, issuer and audience checked) as a route guard on \`POST ${ORDER_PATH}\` and \`POST ${JWT_MIX_PATH}\`` };
  const results = { generatedAt: new Date().toISOString(), elapsedS: Math.round((Date.now() - started) / 1000), machine, config, policy, frameworks, notes };

  mkdirSync(RESULTS_DIR, { recursive: true });
  if (config.quick) {
    writeFileSync(`${RESULTS_DIR}quick.json`, `${JSON.stringify(results, null, 2)}\n`);
    log(`\nwrote bench/results/quick.json (quick mode does not touch docs/benchmarks.md)`);
  } else {
    writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
    mkdirSync(HISTORY_DIR, { recursive: true });
    writeFileSync(`${HISTORY_DIR}load-${results.generatedAt.replace(/[:.]/g, '-')}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeReport();
    log(`\nwrote bench/results/latest.json and docs/benchmarks.md`);
    if (process.env.BENCH_MICRO !== '0') await runMicro();
  }
  for (const note of notes) log(`note: ${note}`);
  log(`done in ${results.elapsedS} s`);
}

main().catch((error) => {
  console.error(error);
  killAll();
  process.exitCode = 1;
});
