// Child-process entry of the load generator: says `ready`, then runs one autocannon job per
// `{ url, workload, connections, durationS }` message and answers each with its summary; `close`
// ends it. It lives for the whole benchmark (no start-up cost per run) in a process of its own,
// pinned to its own core (lib/processes.mjs), so that neither the runner nor a server ever takes
// its CPU time.
import autocannon from 'autocannon';
import { WORKLOADS } from './lib/workload.mjs';

function summarize(result) {
  return {
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    throughputBytesPerSecond: result.throughput.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  };
}

async function run({ url, workload, connections, durationS }) {
  const request = WORKLOADS[workload];
  const result = await autocannon({
    url: `${url}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: 10,
  });
  return summarize(result);
}

process.on('message', (message) => {
  if (message === 'close') {
    process.exit(0);
  }
  run(message).then(
    (summary) => process.send(summary),
    (error) => process.send({ error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send('ready');
