// Child-process entry of one start-up measurement of the OpenAPI benchmark: `<mode> <document-id>`,
// mode `eager` | `lazy` (the guard, `compile` option) or `check-contract`. A fresh process per
// measurement, so that nothing compiled or allocated by an earlier one is reused, and its peak RSS is
// its own. Answers one IPC message with the timings and memory, then exits.
//
// Timed apart: reading + gunzip, the document's parse (JSON.parse of the 12 MB text), and then the
// measured work on the parsed object: `createFirewall({ guards: [openapi({ document, compile })] })`
// through `await firewall.ready()`, or `checkContract({ document })`. Module loading is before all of it.
import { createFirewall } from '@portcullis/core';
import { checkContract, openapi } from '@portcullis/openapi';
import { countingTelemetry, decideInit, mib, OPENAPI_DOCUMENTS, parseDocument, readDocumentText } from './openapi-documents.mjs';

const [mode, documentId] = process.argv.slice(2);
const now = () => process.hrtime.bigint();
const ms = (from, to) => Math.round((Number(to - from) / 1e6) * 100) / 100;

/** The first decide of each measured request on a just-ready firewall: lazy compiles the operation then. */
async function firstDecides(firewall, spec) {
  const firsts = {};
  for (const [key, request] of Object.entries(spec.requests)) {
    const start = now();
    const decision = await firewall.decide(decideInit(request));
    firsts[key] = { ms: ms(start, now()), outcome: decision.outcome, operation: decision.annotations?.['openapi.operation'] ?? null, code: decision.code ?? null };
  }
  return firsts;
}

async function measureGuard(document, spec, compile) {
  const telemetry = countingTelemetry();
  const start = now();
  const firewall = createFirewall({ guards: [openapi({ document, compile })], telemetry: telemetry.sink });
  const created = now();
  await firewall.ready();
  const ready = now();
  const rssReady = process.memoryUsage().rss;
  const firsts = await firstDecides(firewall, spec);
  await firewall.close();
  return { createMs: ms(start, created), readyMs: ms(created, ready), totalMs: ms(start, ready), rssReadyMiB: mib(rssReady), firstDecides: firsts, diagnostics: telemetry.counts() };
}

function measureCheckContract(document) {
  const start = now();
  const report = checkContract({ document });
  const end = now();
  return {
    totalMs: ms(start, end),
    ok: report.ok,
    operations: report.operations,
    errors: report.errors.length,
    // A few, to say what failed; the location names the document place, never request data.
    firstErrors: report.errors.slice(0, 5),
    warnings: report.warnings.length,
    warningCodes: [...new Set(report.warnings.map((w) => w.code))],
  };
}

async function main() {
  const spec = OPENAPI_DOCUMENTS[documentId];
  if (spec === undefined || !['eager', 'lazy', 'check-contract'].includes(mode)) throw new Error(`usage: openapi-startup.mjs <eager|lazy|check-contract> <${Object.keys(OPENAPI_DOCUMENTS).join('|')}>`);
  const rssBeforeDocument = process.memoryUsage().rss;
  const { text, readMs } = readDocumentText(documentId);
  const { document, parseMs } = parseDocument(documentId, text);
  const rssAfterParse = process.memoryUsage().rss;
  const measured = mode === 'check-contract' ? measureCheckContract(document) : await measureGuard(document, spec, mode);
  const usage = process.resourceUsage();
  return {
    mode,
    document: documentId,
    documentBytes: Buffer.byteLength(text),
    readMs: Math.round(readMs * 100) / 100,
    parseMs: Math.round(parseMs * 100) / 100,
    rssBeforeDocumentMiB: mib(rssBeforeDocument),
    rssAfterParseMiB: mib(rssAfterParse),
    // ru_maxrss is in KiB on Linux: the process's peak, document text and parsed object included.
    peakRssMiB: mib(usage.maxRSS * 1024),
    heapUsedMiB: mib(process.memoryUsage().heapUsed),
    ...measured,
  };
}

/** The answer, then the channel closes once it is sent, which lets the process end. */
const answer = (message) => process.send(message, () => process.disconnect());

main().then(answer, (error) => {
  process.exitCode = 1;
  answer({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
});
