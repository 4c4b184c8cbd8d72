// Child-process entry of the OpenAPI benchmark's load generator (autocannon), like
// bench/load-generator.mjs but for requests given in the message (that one serves the load
// workloads of lib/workload.mjs only). Says `ready`, then runs one job per
// `{ url, method, path, headers, body, connections, durationS }` and answers each with its summary;
// `close` ends it. Pinned to its own core by the runner (lib/processes.mjs).
import autocannon from 'autocannon';

function summarize(result) {
  return {
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count])),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  };
}

async function run({ url, method, path, headers, body, connections, durationS }) {
  const result = await autocannon({ url: `${url}${path}`, method, headers, body, connections, pipelining: 1, duration: durationS, timeout: 10 });
  return summarize(result);
}

process.on('message', (message) => {
  if (message === 'close') process.exit(0);
  run(message).then(
    (summary) => process.send(summary),
    (error) => process.send({ error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send('ready');
