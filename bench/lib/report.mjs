// Regenerates docs/benchmarks.md from bench/results/latest.json (load) and
// bench/results/micro.json (micro). Both runners call it, so the page always shows the latest of each.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SMALL_BODY } from './workload.mjs';

const LOAD = fileURLToPath(new URL('../results/latest.json', import.meta.url));
const MICRO = fileURLToPath(new URL('../results/micro.json', import.meta.url));
const PAGE = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

/** The issue's target: an adapter with the foundation guards keeps this share of bare throughput. */
export const TARGET_RATIO = 0.9;
const VARIANT_TITLES = { bare: 'bare', portcullis: 'Portcullis (foundation guards)', peer: 'peer stack' };
const PEERS = {
  express5: 'express-rate-limit + express-jwt + express.json + express-openapi-validator',
  express4: 'express-rate-limit + express-jwt + express.json + express-openapi-validator',
  fastify5: '@fastify/rate-limit + @fastify/jwt + route JSON schema',
  koa3: 'koa-ratelimit (memory) + koa-jwt + @koa/bodyparser + ajv',
  hono4: 'hono-rate-limiter + hono/jwt + hono/validator with ajv',
};

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

const percent = (ratio) => (ratio === null || ratio === undefined ? 'n/a' : `${Math.round(ratio * 100)}%`);
const number = (n) => Math.round(n).toLocaleString('en-US');

/** A machine already busy before the run (load average over a quarter of its CPUs) gives noisy numbers. */
function busyWarning(machine) {
  const load = machine.loadAverageAtStart?.[0];
  if (load === undefined || load <= machine.cpus / 4) return [];
  return [`- **Warning:** the 1-minute load average was ${load} on ${machine.cpus} CPUs when the run started: other work shared the machine and the numbers are noisy. Re-run on a quiet machine before drawing conclusions.`];
}

function machineSection(machine, when) {
  return [
    '## Machine',
    '',
    `- CPU: ${machine.cpus} × ${machine.cpuModel}`,
    `- Memory: ${machine.memoryGiB} GiB; OS: ${machine.platform}`,
    `- Node.js ${machine.node}`,
    `- Pinning: ${machine.pinning ? `servers on CPU ${machine.pinning.server}, load generator on CPU ${machine.pinning.loadGenerator} (\`taskset\`)` : 'none (taskset not available or fewer than two CPUs)'}`,
    `- ${when}`,
    ...busyWarning(machine),
    '',
  ];
}

function methodSection(config) {
  return [
    '## Method',
    '',
    '- Each framework serves the same routes in three variants, each its own server process:',
    '  - **bare**: the framework and its usual JSON body parser, no protection;',
    '  - **Portcullis**: the adapter with the foundation guards of `@portcullis/core` (default request limits,',
    '    security headers, method-override refusal, an IP deny list, CORS, a route table with methods, unmatched',
    '    routes denied); the JSON body is read, capped, parsed and checked by Portcullis (`bench/lib/policy.mjs`);',
    '  - **peer**: the stack a user assembles today for an authenticated JSON API: JWT (HS256) + schema',
    '    validation + rate limit (limits far above the load, so they count but never block).',
    `- Workloads: **small**, a ${SMALL_BODY.length}-byte JSON \`POST /api/items\` (bare and Portcullis); **auth-1k**, a 1,024-byte`,
    '  JSON `POST /api/orders` with `Authorization: Bearer <HS256 JWT>`, valid against the order schema (all three).',
    '  Every handler answers the same constant JSON.',
    '- Before measuring, each variant is checked: 200 on the workload request; Portcullis answers carry its',
    '  security headers and a method-override header is refused; the peer refuses a missing token (401) and a',
    '  body that breaks the schema (400).',
    `- Load: autocannon, ${config.connections} connections, pipelining 1, in a separate process; servers and the`,
    '  generator pinned to different cores so they never compete for one.',
    `- Each variant gets a ${config.warmupS} s warm-up (discarded), then ${config.rounds} round${config.rounds === 1 ? '' : 's'} of ${config.durationS} s that`,
    '  **alternate** between variants (bare, Portcullis, peer, bare, ...) so that drifts of the machine hit all',
    '  variants alike. Reported: median req/s of the rounds (min–max beside it), median p50/p99 latency, and the',
    '  median server CPU time (user + system, from `process.cpuUsage()` in the server) per request served.',
    '- Run it: `npm run bench` (about 10 minutes; `BENCH_QUICK=1` for a one-minute smoke run that publishes',
    '  nothing; settings in `bench/lib/config.mjs`).',
    '',
  ];
}

function peerSection() {
  return [
    '## The peer stacks',
    '',
    'Configured as their READMEs show (`servers/*.mjs`), with the same HS256 secret, the same JSON Schema and',
    'limits that never trigger:',
    '',
    ...Object.entries(PEERS)
      .filter(([id]) => id !== 'express4')
      .map(([id, stack]) => `- ${id.replace(/\d$/, '').replace(/^./, (c) => c.toUpperCase())}: ${stack}.`),
    '',
    'express-jwt and koa-jwt verify with `jsonwebtoken` 9, which, given the secret as a string, first tries',
    '`crypto.createPublicKey(secret)` on every request and only then falls back to a secret key; in a CPU profile',
    'of the Koa peer that attempt was most of the server\'s time. Passing `crypto.createSecretKey(...)` instead',
    'of the string avoids it; the benchmark keeps the documented string form, as users write it.',
    '',
  ];
}

function smallRatio(framework) {
  return framework.workloads.small?.variants.portcullis?.ratioToBare;
}

/** One plain sentence per target, at the top of the page. */
function summary(load) {
  const met = [];
  const missed = [];
  const unmeasured = [];
  for (const framework of load.frameworks) {
    const ratio = smallRatio(framework);
    if (ratio === undefined || ratio === null) unmeasured.push(framework.title);
    else (ratio >= TARGET_RATIO ? met : missed).push(`${framework.title} (${percent(ratio)})`);
  }
  const lines = ['## Summary', ''];
  lines.push(`- Target "≥ ${percent(TARGET_RATIO)} of bare throughput with the foundation guards, small JSON POST": ` +
    [met.length > 0 ? `**met** by ${met.join(', ')}` : '', missed.length > 0 ? `**not met** by ${missed.join(', ')}` : '', unmeasured.length > 0 ? `not measured for ${unmeasured.join(', ')}` : '']
      .filter(Boolean)
      .join('; ') + '.');
  const peers = load.frameworks
    .map((f) => [f.title, f.workloads['auth-1k']?.variants.peer?.ratioToBare])
    .filter(([, ratio]) => ratio !== undefined && ratio !== null);
  if (peers.length > 0) {
    lines.push(`- Peer stacks (JWT + schema + rate limit) on the authenticated 1 KB POST: ${peers.map(([title, ratio]) => `${title} ${percent(ratio)}`).join(', ')} of bare (measured before any Portcullis code existed: 9–52%).`);
  }
  lines.push('');
  return lines;
}

function targetsSection(load) {
  const lines = ['## Targets', ''];
  lines.push(`**Each adapter with the foundation guards keeps ≥ ${percent(TARGET_RATIO)} of its bare throughput on a small JSON POST.**`, '');
  lines.push('| framework | Portcullis / bare, req/s (small) | target met? | Portcullis / bare, server CPU per request |', '| --- | ---: | --- | ---: |');
  for (const framework of load.frameworks) {
    const ratio = smallRatio(framework);
    const verdict = ratio === undefined || ratio === null ? 'not measured (see notes)' : ratio >= TARGET_RATIO ? '**yes**' : '**no**';
    lines.push(`| ${framework.title} | ${percent(ratio)} | ${verdict} | ${percent(framework.workloads.small?.variants.portcullis?.cpuRatioToBare)} |`);
  }
  lines.push(
    '',
    'The verdict is on measured throughput. The last column is the cross-check: bare\'s server CPU time per',
    'request divided by Portcullis\'s, i.e. the throughput ratio the two would have on a core of their own. It',
    'is much less sensitive to other work on the machine than req/s; when the two columns disagree, the run was noisy.',
    '',
  );
  lines.push('**Peer stacks were measured at 9–52% of bare throughput before any Portcullis code existed.** This run,', 'on the authenticated 1 KB POST:', '');
  lines.push('| framework | peer stack | peer / bare | Portcullis / bare |', '| --- | --- | ---: | ---: |');
  for (const framework of load.frameworks) {
    const variants = framework.workloads['auth-1k']?.variants ?? {};
    lines.push(`| ${framework.title} | ${PEERS[framework.id] ?? ''} | ${percent(variants.peer?.ratioToBare)} | ${percent(variants.portcullis?.ratioToBare)} |`);
  }
  lines.push(
    '',
    'The Portcullis column of that table is **not** a like-for-like comparison yet: the foundation policy has no',
    'JWT verification and no rate limit, because `@portcullis/auth` and `@portcullis/rate-limit` do not exist yet.',
    'It shows the cost of the foundation guards on a 1 KB body, not the cost of the full authenticated stack.',
    '',
  );
  return lines;
}

function frameworkSection(framework) {
  const lines = [`### ${framework.title}`, ''];
  if (Object.keys(framework.workloads).length === 0) return [...lines, 'Nothing measured (see notes).', ''];
  lines.push('| workload | variant | req/s (median) | min–max | / bare | p50 ms | p99 ms | server CPU µs/req | / bare (CPU) |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [workload, result] of Object.entries(framework.workloads)) {
    for (const [variant, s] of Object.entries(result.variants)) {
      lines.push(`| ${workload} | ${VARIANT_TITLES[variant] ?? variant} | ${number(s.requestsPerSecond)} | ${number(s.minRequestsPerSecond)}–${number(s.maxRequestsPerSecond)} | ${percent(s.ratioToBare)} | ${s.latencyP50Ms} | ${s.latencyP99Ms} | ${s.serverCpuMicrosPerRequest} | ${percent(s.cpuRatioToBare)} |`);
    }
  }
  lines.push('');
  return lines;
}

function loadSections(load) {
  if (load === undefined) return ['## Load benchmark', '', 'Not run yet: `npm run bench`.', ''];
  const when = `Load run: ${load.generatedAt}, ${load.elapsedS} s`;
  const lines = [...summary(load), ...machineSection(load.machine, when), ...targetsSection(load), ...methodSection(load.config), ...peerSection(), '## Results per framework', ''];
  for (const framework of load.frameworks) lines.push(...frameworkSection(framework));
  if (load.notes.length > 0) {
    lines.push('### Notes', '');
    for (const note of load.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  return lines;
}

function microSection(micro) {
  const lines = ['## Micro benchmarks: `decide()` per guard', ''];
  if (micro === undefined) return [...lines, 'Not run yet: `node bench/micro.mjs`.', ''];
  lines.push(
    `Core only, no HTTP: \`createFirewall(policy)\`, \`await fw.ready()\`, then \`await fw.decide(init)\` with a prebuilt`,
    '`RequestInit`, serially. Each case gets a discarded warm-up; then the cases take turns, one batch of',
    `${number(micro.config.batch)} decisions each, for ${micro.config.samples} batches; reported is the median batch time per decision.`,
    `Run ${micro.generatedAt} on ${micro.machine.cpus} × ${micro.machine.cpuModel}` +
      `${micro.machine.cpusAvailable < micro.machine.cpus ? ` (pinned to ${micro.machine.cpusAvailable})` : ''}, Node ${micro.machine.node} (\`node bench/micro.mjs\`,`,
    'also run at the end of `npm run bench`). Differences of a few hundred ns between guard rows are within the',
    'noise of a run (each case\'s batch spread is in `bench/results/micro.json`).',
    '',
    ...busyWarning(micro.machine),
    ...(busyWarning(micro.machine).length > 0 ? [''] : []),
    '| case | request | ns / decide (median) | decisions / s | vs. minimal |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  const minimal = micro.cases.find((c) => c.id === 'minimal')?.medianNs;
  for (const c of micro.cases) {
    const delta = minimal === undefined || c.id === 'minimal' ? '' : `${c.medianNs >= minimal ? '+' : '−'}${number(Math.abs(c.medianNs - minimal))} ns`;
    lines.push(`| ${c.title} | ${c.request} | ${number(c.medianNs)} | ${number(c.opsPerSecond)} | ${delta} |`);
  }
  lines.push('', ...micro.notes.map((n) => `- ${n}`), '');
  return lines;
}

export function writeReport() {
  const load = readJson(LOAD);
  const micro = readJson(MICRO);
  const lines = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/run.mjs and bench/micro.mjs from bench/results/*.json; edit bench/lib/report.mjs, not this page. -->',
    '',
    'How much throughput Portcullis costs each framework, measured against the same app without protection',
    '(bare) and against the peer stack a user would otherwise assemble. Ratios are only comparable within',
    'one run on one machine; absolute numbers depend on the machine.',
    '',
    ...loadSections(load),
    ...microSection(micro),
  ];
  writeFileSync(PAGE, `${lines.join('\n').trimEnd()}\n`);
}
