// The load generator process (one for the whole benchmark), and the statistics over rounds.
import { fileURLToPath } from 'node:url';
import { firstMessage, PINNING, spawnNode, stop } from './processes.mjs';

const GENERATOR = fileURLToPath(new URL('../load-generator.mjs', import.meta.url));

/** Starts the generator; `run` measures one workload against one server, one job at a time. */
export async function startLoadGenerator() {
  const child = spawnNode(GENERATOR, [], PINNING?.load);
  try {
    const ready = await firstMessage(child, 20_000, 'load generator start-up');
    if (ready !== 'ready') throw new Error(`load generator: unexpected first message ${JSON.stringify(ready)}`);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return {
    async run(url, workload, { connections, durationS }) {
      const answer = firstMessage(child, (durationS + 30) * 1_000, `load generator (${workload} on ${url})`);
      child.send({ url, workload, connections, durationS });
      // Bounded: the job's duration plus a margin for the last responses.
      const result = await answer;
      if (result.error !== undefined) throw new Error(`load generator failed: ${result.error}`);
      return result;
    },
    stop: () => stop(child),
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The summary of one variant's rounds: medians, and the spread so that noise stays visible. */
export function summarizeRounds(runs) {
  const rps = runs.map((r) => r.requestsPerSecond);
  return {
    requestsPerSecond: Math.round(median(rps)),
    minRequestsPerSecond: Math.round(Math.min(...rps)),
    maxRequestsPerSecond: Math.round(Math.max(...rps)),
    latencyP50Ms: median(runs.map((r) => r.latencyMs.p50)),
    latencyP99Ms: median(runs.map((r) => r.latencyMs.p99)),
    serverCpuMicrosPerRequest: Math.round(median(runs.map((r) => r.serverCpuMicrosPerRequest)) * 10) / 10,
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    rounds: runs.map((r) => Math.round(r.requestsPerSecond)),
  };
}
