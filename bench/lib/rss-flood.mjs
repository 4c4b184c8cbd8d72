// Child-process entry of the rate-limit benchmark's memory check: `node --expose-gc
// lib/rss-flood.mjs <decisions> <checkpoint,...>`. A fresh process, so that nothing the runner
// allocated before shows up in its RSS.
//
// A firewall with the default bounded MemoryStore (passed explicitly, with its default options, only
// so that its key count can be read) and rateLimit() keyed by the `x-key` header receives one
// decision per distinct key: a flood of clients each seen once, the case where an unbounded store
// grows without end. At each checkpoint, after a full garbage collection, it records RSS, the V8
// heap in use and the store's key count. Sends `{ checkpoints, elapsedMs }` (or `{ error }`) and exits.
import { createFirewall, MemoryStore } from '@portcullis/core';
import { rateLimit } from '@portcullis/rate-limit';

const [decisionsText, checkpointsText] = process.argv.slice(2);
const decisions = Number(decisionsText);
const checkpoints = new Set((checkpointsText ?? '').split(',').filter(Boolean).map(Number));

const MiB = 2 ** 20;
const round = (bytes) => Math.round((bytes / MiB) * 10) / 10;

/** Memory after a full GC; `elapsedMs` is the time spent deciding so far (sampling excluded). */
function sample(done, store, elapsedMs) {
  globalThis.gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { decisions: done, elapsedMs: Math.round(elapsedMs), rssMiB: round(rss), heapUsedMiB: round(heapUsed), externalMiB: round(external), storeKeys: store.size };
}

async function main() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  if (!Number.isInteger(decisions) || decisions < 1) throw new Error(`bad decision count ${decisionsText}`);
  const store = new MemoryStore();
  const firewall = createFirewall({
    securityHeaders: false,
    methodOverride: 'allow',
    store,
    // The key is a header on purpose (the flood case); the guard warns that it is spoofable.
    telemetry: { onDecision: () => undefined, onDiagnostic: () => undefined },
    guards: [rateLimit({ key: { header: 'x-key' }, limits: [{ points: 1_000_000_000, windowSeconds: 60 }] })],
  });
  await firewall.ready();
  const results = [sample(0, store, 0)];
  let decidingMs = 0;
  let since = performance.now();
  for (let i = 1; i <= decisions; i += 1) {
    const decision = await firewall.decide({ method: 'GET', target: '/api/limited', headers: ['host', '127.0.0.1', 'x-key', `client-${i}`], remoteAddress: '127.0.0.1' });
    if (decision.outcome !== 'allow') throw new Error(`decision ${i}: ${decision.outcome} ${decision.code ?? ''}`);
    if (checkpoints.has(i)) {
      decidingMs += performance.now() - since;
      results.push(sample(i, store, decidingMs));
      since = performance.now();
    }
  }
  decidingMs += performance.now() - since;
  await firewall.close();
  return { checkpoints: results, elapsedMs: Math.round(decidingMs), maxKeys: store.maxKeys };
}

main().then(
  (result) => process.send(result, () => process.exit(0)),
  (error) => process.send({ error: error instanceof Error ? error.stack ?? error.message : String(error) }, () => process.exit(1)),
);
