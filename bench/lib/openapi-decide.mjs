// Child-process entry of the OpenAPI benchmark's per-request part: `decide()` (core engine, no HTTP)
// on a warm firewall with `openapi({ document })` (eager), and on the same engine without the guard
// (`createFirewall({})`), for each document's measured requests. The difference of the two medians
// is the guard's cost: route lookup, parameter validation, and the body's JSON parse + validation
// (the bare engine does not parse a body no guard asks for).
//
// Median and p99 describe one decide; the mean spreads the garbage collector's pauses over all
// decides (what a server pays per request in CPU), so both are reported.
//
// Method: firewalls built once and ready; every variant checked to allow its request (the guard's
// decision must name the expected operation) and the guard to refuse a broken one; a warm-up of
// discarded decides; then rounds in which the variants take turns (order rotating), each running
// `batch` decides timed one by one with process.hrtime.bigint(). Median and p99 over all timed decides.
// Argument: the JSON of `{ documents: [...ids], warmup, rounds, batch }`. Answers one IPC message.
import { createFirewall } from '@portcullis/core';
import { openapi } from '@portcullis/openapi';
import { median } from './measure.mjs';
import { countingTelemetry, decideInit, loadDocument, OPENAPI_DOCUMENTS } from './openapi-documents.mjs';

const settings = JSON.parse(process.argv[2]);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function expectAllowed(firewall, init, what, operation) {
  const decision = await firewall.decide(init);
  if (decision.outcome !== 'allow' || !decision.enforced) throw new Error(`${what}: expected allow, got ${decision.outcome} (${decision.code ?? 'no code'}, guard ${decision.guard ?? '-'})`);
  if (operation !== undefined && decision.annotations?.['openapi.operation'] !== operation) {
    throw new Error(`${what}: routed to ${decision.annotations?.['openapi.operation'] ?? 'no operation'}, expected ${operation}`);
  }
  return decision;
}

async function prepare() {
  const bare = createFirewall({});
  await bare.ready();
  const variants = [];
  const firewalls = [bare];
  for (const id of settings.documents) {
    const spec = OPENAPI_DOCUMENTS[id];
    const { document } = loadDocument(id);
    const firewall = createFirewall({ guards: [openapi({ document })], telemetry: countingTelemetry().sink });
    await firewall.ready();
    firewalls.push(firewall);
    // A guard that let everything through would be cheap: it must refuse what the document forbids.
    for (const refused of spec.refused) {
      const decision = await firewall.decide(decideInit(refused));
      if (decision.outcome !== 'deny' || decision.status !== refused.status) throw new Error(`${id}: ${refused.what} got ${decision.outcome} ${decision.status ?? ''}, expected deny ${refused.status}`);
    }
    for (const [key, request] of Object.entries(spec.requests)) {
      const init = decideInit(request);
      const bareDecision = await expectAllowed(bare, init, `${id} ${key} on the bare engine`);
      await expectAllowed(firewall, init, `${id} ${key} with openapi()`, request.operation);
      const base = { document: id, request: key, title: request.title };
      variants.push({ ...base, variant: 'bare', bareBodyKind: bareDecision.body?.kind ?? null, run: () => bare.decide(init), times: [] });
      variants.push({ ...base, variant: 'openapi', run: () => firewall.decide(init), times: [] });
    }
  }
  return { variants, close: () => Promise.all(firewalls.map((f) => f.close())) };
}

async function timeEach(variant, count, keep) {
  for (let i = 0; i < count; i += 1) {
    const start = process.hrtime.bigint();
    await variant.run();
    const ns = Number(process.hrtime.bigint() - start);
    if (keep) variant.times.push(ns);
  }
}

function summarize(v) {
  const sorted = [...v.times].sort((a, b) => a - b);
  return {
    document: v.document,
    request: v.request,
    title: v.title,
    variant: v.variant,
    ...(v.bareBodyKind === undefined ? {} : { bareBodyKind: v.bareBodyKind }),
    decides: sorted.length,
    medianNs: Math.round(median(sorted)),
    // The mean carries the garbage collections (a median skips the decides they land on).
    meanNs: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p90Ns: percentile(sorted, 90),
    p99Ns: percentile(sorted, 99),
    maxNs: sorted.at(-1),
  };
}

async function main() {
  const { variants, close } = await prepare();
  for (const v of variants) await timeEach(v, settings.warmup, false);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (let i = 0; i < variants.length; i += 1) await timeEach(variants[(i + round) % variants.length], settings.batch, true);
  }
  await close();
  return { rows: variants.map(summarize) };
}

const answer = (message) => process.send(message, () => process.disconnect());

main().then(answer, (error) => {
  process.exitCode = 1;
  answer({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
});
