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

/**
 * autocannon's `setupClient` for a workload of many clients (jwt-mix): every connection cycles
 * through all of the workload's requests, each connection starting at its own offset. Without the
 * offsets, the connections would walk the list in step and send the same token at the same moment,
 * a burst no real set of clients produces (and one that defeats any per-token cache on first sight).
 * The requests are set before the run's clock starts and autocannon builds each one's bytes once,
 * so a request costs the generator the same as in the single-request workloads.
 */
function spreadOverConnections(requests, connections) {
  // Copies: autocannon writes into the request objects it is given (the workload's are frozen).
  const copies = requests.map((r) => ({ ...r, headers: { ...r.headers } }));
  let client = 0;
  return (connection) => {
    const offset = Math.floor((client * copies.length) / connections) % copies.length;
    client += 1;
    connection.setRequests([...copies.slice(offset), ...copies.slice(0, offset)]);
  };
}

async function run({ url, workload, connections, durationS }) {
  const request = WORKLOADS[workload];
  const result = await autocannon({
    url: `${url}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    ...(request.requests === undefined ? {} : { setupClient: spreadOverConnections(request.requests, connections) }),
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
