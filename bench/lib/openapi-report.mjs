// The "OpenAPI" section of docs/benchmarks.md, from bench/results/openapi.json (bench/openapi.mjs).
// A part a run did not measure renders as "not measured".

/** The OpenAPI issue's targets, on GitHub's REST description, on a 2-core machine. */
export const OPENAPI_TARGETS = Object.freeze({
  /** createFirewall through ready(), every operation compiled. */
  eagerReadyMs: 1_500,
  /** Peak RSS of the process that did it (document text and parsed object included). */
  eagerPeakRssMiB: 250,
  /** The same with `compile: 'lazy'`. */
  lazyReadyMs: 300,
  /** The guard's own cost per request (route lookup + validation), median. */
  perRequestNs: 5_000,
});

const ms = (n) => (n === undefined || n === null ? 'n/a' : `${n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 })} ms`);
const us = (ns) => (ns === undefined || ns === null ? 'n/a' : `${(ns / 1_000).toFixed(1)} µs`);
const mb = (n) => (n === undefined || n === null ? 'n/a' : `${n} MiB`);
const times = (r) => (r === undefined || r === null ? 'n/a' : `${r.toFixed(2)}×`);
const number = (n) => (n === undefined || n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const processes = (n) => `${n} process${n === 1 ? '' : 'es'}`;
const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
const statuses = (codes) => (codes === undefined ? 'n/a' : Object.entries(codes).map(([code, count]) => `${code} × ${number(count)}`).join(', '));

function targetLines(o) {
  const t = o.targets ?? OPENAPI_TARGETS;
  const s = o.startup;
  const lines = [];
  if (s === undefined) {
    lines.push('- Start-up targets: not measured in this run.');
  } else {
    lines.push(
      `- Target "ready() eagerly ≤ ${ms(t.eagerReadyMs)}": ${verdict(s.eager.medianMs <= t.eagerReadyMs)} (median ${ms(s.eager.medianMs)} over ${processes(s.eager.runs)}, ${ms(s.eager.minMs)}–${ms(s.eager.maxMs)}).`,
      `- Target "peak RSS ≤ ${t.eagerPeakRssMiB} MiB" (eager, whole process, document included): ${verdict(s.eager.peakRssMaxMiB <= t.eagerPeakRssMiB)} (median ${mb(s.eager.peakRssMedianMiB)}, highest ${mb(s.eager.peakRssMaxMiB)}).`,
      `- Target "ready() lazily ≤ ${ms(t.lazyReadyMs)}": ${verdict(s.lazy.medianMs <= t.lazyReadyMs)} (median ${ms(s.lazy.medianMs)} over ${processes(s.lazy.runs)}, ${ms(s.lazy.minMs)}–${ms(s.lazy.maxMs)}).`,
    );
  }
  if (o.decide === undefined) {
    lines.push('- Per-request target: not measured in this run.');
  } else {
    const github = o.decide.requests.filter((r) => r.document === 'github');
    lines.push(
      `- Target "≤ ${us(t.perRequestNs)} median per request for route lookup + validation" (the guard's cost: median decide() with the guard − median without it, GitHub document): ${verdict(github.every((r) => r.guardMedianNs <= t.perRequestNs))} (${github.map((r) => `${r.request.toUpperCase()} ${us(r.guardMedianNs)}`).join(', ')}).`,
    );
  }
  return [...lines, ''];
}

function startupTable(s) {
  if (s === undefined) return [];
  const row = (title, m, extra) => `| ${title} | ${ms(m.medianMs)} | ${ms(m.minMs)}–${ms(m.maxMs)} | ${m.runs} | ${mb(m.peakRssMedianMiB)} | ${extra} |`;
  const firsts = (m) => (m.firstDecides === undefined ? '' : `first decide: POST ${ms(m.firstDecides.post?.medianMs)}, GET ${ms(m.firstDecides.get?.medianMs)}`);
  const split = (m) => (m.createMedianMs === undefined ? '' : `createFirewall ${ms(m.createMedianMs)} + ready() ${ms(m.readyMedianMs)}; `);
  const contract = s.checkContract;
  const contractExtra = `${number(contract.operations)} operations, ${contract.ok ? 'no errors' : `${number(contract.errors)} errors`}, ${number(contract.warnings)} warnings${contract.warningCodes?.length ? ` (${contract.warningCodes.map((c) => `\`${c}\``).join(', ')})` : ''}`;
  return [
    `**Start-up** on GitHub's description (${(s.documentBytes / 2 ** 20).toFixed(1)} MiB of JSON), each measurement in a fresh process (modes take`,
    'turns); the document is parsed first and given as an object, so the times below exclude its parse:',
    `JSON.parse of the text takes ${ms(s.parse.medianMs)} (median of ${s.parse.runs}; ${ms(s.parse.minMs)}–${ms(s.parse.maxMs)}), reading and gunzip ${ms(s.parse.readAndGunzipMedianMs)}.`,
    `The process holds ${mb(s.eager.rssBeforeDocumentMedianMiB)} before reading the document and ${mb(s.eager.rssAfterParseMedianMiB)} once it is parsed; peak RSS is the whole process's (\`ru_maxrss\`).`,
    '',
    '| measured | median | range | runs | peak RSS (median) | detail |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    row("`createFirewall` → `ready()`, eager (default)", s.eager, `${split(s.eager)}${firsts(s.eager)}`),
    row("`createFirewall` → `ready()`, `compile: 'lazy'`", s.lazy, `${split(s.lazy)}${firsts(s.lazy)} (each compiles its operation)`),
    row('`checkContract()` (every operation, responses included)', contract, contractExtra),
    '',
  ];
}

function decideTable(d) {
  if (d === undefined) return [];
  return [
    `**Per request**, \`decide()\` (core engine, no HTTP) on a warm firewall, each decide timed (${number(d.settings.rounds * d.settings.batch)} per row after ${number(d.settings.warmup)} warm-up`,
    'decides; the rows take turns). "Bare engine" is `createFirewall({})` on the same request (it reads and parses the JSON body',
    'as well); the guard\'s cost is the difference of the medians. The mean spreads garbage collections over all decides (a',
    'median skips the decides they land on), so its difference is closer to the CPU a server pays per request.',
    '',
    '| document | request | bare engine median | p99 | mean | with `openapi()` median | p99 | mean | the guard: median Δ | mean Δ |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...d.requests.map((r) => `| ${r.document} | ${r.title} | ${us(r.bare.medianNs)} | ${us(r.bare.p99Ns)} | ${us(r.bare.meanNs)} | ${us(r.openapi.medianNs)} | ${us(r.openapi.p99Ns)} | ${us(r.openapi.meanNs)} | ${us(r.guardMedianNs)} | ${us(r.guardMeanNs)} |`),
    '',
  ];
}

function httpTables(h) {
  if (h === undefined) return [];
  const lines = [
    `**Over HTTP** on loopback, Express 5, one server process per variant; autocannon with ${h.connections} connections, ${h.rounds} × ${h.seconds} s per`,
    `variant and request after ${h.warmupS} s of warm-up, variants alternating; the median round. Every variant answers the same constant JSON;`,
    'before measuring, each must answer both requests 200 and a validating one must refuse a broken body (400), a broken query (400)',
    'and an undocumented path (404). Portcullis runs the default policy plus `openapi({ document })`; "no openapi" is the same',
    'adapter and default policy without the guard.',
    '',
    '| document | request | variant | req/s | vs bare | p50 | p99 | server CPU / req | statuses |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const doc of h.documents) {
    for (const [key, ratios] of Object.entries(doc.ratios)) {
      for (const [variant, v] of Object.entries(doc.variants)) {
        const w = v.workloads[key];
        if (w === undefined) {
          lines.push(`| ${doc.id} | ${key.toUpperCase()} | ${v.title} | not measured | | | | | first answers: ${v.firstRequests?.[key]?.status ?? 'n/a'} |`);
          continue;
        }
        const vsBare = { bare: '1.00×', foundation: times(ratios.foundationOverBare), portcullis: times(ratios.portcullisOverBare), eov: times(ratios.eovOverBare) }[variant] ?? 'n/a';
        lines.push(`| ${doc.id} | ${key.toUpperCase()} | ${v.title} | ${number(w.requestsPerSecond)} | ${vsBare} | ${w.latencyP50Ms} ms | ${w.latencyP99Ms} ms | ${w.serverCpuMicrosPerRequest} µs | ${statuses(w.statusCodes)} |`);
      }
    }
  }
  lines.push(
    '',
    '**Ratios** (throughput, same run): Portcullis with `openapi()` over express-openapi-validator, over bare Express, and over',
    'Portcullis without the guard; and the server CPU the guard adds per request (Portcullis with it − without it). That last column',
    'is a difference of two medians of rounds: on a shared virtual machine it moves by tens of µs from run to run (even below zero);',
    'the `decide()` table above is the precise measure of the guard\'s own cost.',
    '',
    '| document | request | Portcullis / express-openapi-validator | Portcullis / bare | with / without the guard | guard CPU / req |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const doc of h.documents) {
    for (const [key, r] of Object.entries(doc.ratios)) {
      const eov = r.portcullisOverEov === null ? 'n/a (peer not measured)' : times(r.portcullisOverEov);
      lines.push(`| ${doc.id} | ${key.toUpperCase()} | ${eov} | ${times(r.portcullisOverBare)} | ${times(r.portcullisOverFoundation)} | ${r.guardCpuMicrosPerRequest === undefined || r.guardCpuMicrosPerRequest === null ? 'n/a' : `${r.guardCpuMicrosPerRequest} µs`} |`);
    }
  }
  lines.push(
    '',
    '**Start-up in the servers** (the document already parsed): Portcullis\'s is `createFirewall` → `ready()` (eager);',
    'express-openapi-validator\'s `middleware()` call returns at once and loads the document on the first request, then each',
    'route\'s validators on that route\'s first request, so its first answers carry that work (timed by the client from the moment',
    'the server listens).',
    '',
    '| document | variant | start-up | first POST | first GET | first validated response | server RSS when listening | server peak RSS (after the load) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const doc of h.documents) {
    for (const [variant, v] of Object.entries(doc.variants)) {
      if (variant === 'bare' || variant === 'foundation') continue;
      const first = (r) => (r === undefined ? 'n/a' : `${ms(r.ms)} (${r.status})`);
      lines.push(`| ${doc.id} | ${v.title} | ${ms(v.startupMs)} | ${first(v.firstRequests.post)} | ${first(v.firstRequests.get)} | ${v.firstValidatedResponseMs === null ? 'never (no 200)' : ms(v.firstValidatedResponseMs)} | ${mb(v.rssAtStartMiB)} | ${mb(v.peakRssMiB)} |`);
    }
  }
  lines.push('');
  const failures = h.documents.flatMap((doc) => Object.values(doc.variants).filter((v) => !v.measured).map((v) => `- ${doc.title}, ${v.title}: ${failureText(v)}.`));
  if (failures.length > 0) lines.push('Variants that failed their checks (not measured under load):', '', ...failures, '');
  return lines;
}

/** What a variant that failed its checks answered, from the recorded statuses (the tool's message quoted once). */
function failureText(v) {
  const answers = v.secondRequests ?? v.firstRequests;
  const message = Object.values(answers).find((a) => a.message !== undefined)?.message;
  const measured = Object.entries(answers).map(([key, a]) => `${a.status} to the ${key.toUpperCase()}`).join(' and ');
  const refused = (v.refused ?? []).map((r) => `${r.status} to ${r.what} (expected ${r.expected})`).join(', ');
  return `answered ${measured} (expected 200)${message === undefined ? '' : `, saying \`${message}\``}${refused === '' ? '' : `; ${refused}`}`;
}

/**
 * The section; `openapi` is undefined when bench/openapi.mjs has not run. `busyWarning(machine)` is
 * the page's warning lines for a machine that was busy when the run started.
 */
export function openapiSection(openapi, busyWarning = () => []) {
  const t = openapi?.targets ?? OPENAPI_TARGETS;
  const lines = [
    '## OpenAPI (`@portcullis/openapi`)',
    '',
    `Targets, on GitHub's REST description (over 1,200 operations, 12 MB of JSON) on a 2-core machine: \`ready()\` within ${ms(t.eagerReadyMs)}`,
    `and ${t.eagerPeakRssMiB} MiB of peak RSS with every operation compiled, within ${ms(t.lazyReadyMs)} with \`compile: 'lazy'\`; route lookup +`,
    `validation within ${us(t.perRequestNs)} (median) per request.`,
    '',
  ];
  if (openapi === undefined) return [...lines, 'Not measured (`node bench/openapi.mjs`).', ''];
  const m = openapi.machine;
  const warning = busyWarning(m);
  return [
    ...lines,
    ...targetLines(openapi),
    ...warning,
    ...(warning.length > 0 ? [''] : []),
    `Run ${openapi.generatedAt} on ${m.cpus} × ${m.cpuModel}, Node ${m.node}, 1-minute load average ${m.loadAverageAtStart?.[0] ?? 'n/a'} at the start and ${openapi.loadAverageAtEnd?.[0] ?? 'n/a'} at the end (\`node bench/openapi.mjs\`, ${openapi.elapsedS} s).`,
    '',
    ...startupTable(openapi.startup),
    ...decideTable(openapi.decide),
    ...httpTables(openapi.http),
    ...(openapi.notes?.length > 0 ? ['Notes:', '', ...openapi.notes.map((n) => `- ${n}`), ''] : []),
  ];
}
