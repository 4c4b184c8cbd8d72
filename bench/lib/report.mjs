// Regenerates docs/benchmarks.md from bench/results/latest.json (load), bench/results/micro.json
// (micro), bench/results/rate-limit.json (rate limits), bench/results/graphql.json (GraphQL) and
// bench/results/openapi.json (OpenAPI).
// Every runner calls it, so the page always shows the latest of each.
// Results from before a workload or case existed still render: what they lack is "not measured".
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphqlSection } from './graphql-report.mjs';
import { openapiSection } from './openapi-report.mjs';
import { JWT_MIX_CLIENTS, JWT_MIX_PATH, SMALL_BODY } from './workload.mjs';

const LOAD = fileURLToPath(new URL('../results/latest.json', import.meta.url));
const MICRO = fileURLToPath(new URL('../results/micro.json', import.meta.url));
const PAGE = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const QUICK_LOAD = fileURLToPath(new URL('../results/quick.json', import.meta.url));
const QUICK_MICRO = fileURLToPath(new URL('../results/micro-quick.json', import.meta.url));
const QUICK_PAGE = fileURLToPath(new URL('../results/quick.md', import.meta.url));
const RATE_LIMIT = fileURLToPath(new URL('../results/rate-limit.json', import.meta.url));
const QUICK_RATE_LIMIT = fileURLToPath(new URL('../results/rate-limit-quick.json', import.meta.url));
const GRAPHQL = fileURLToPath(new URL('../results/graphql.json', import.meta.url));
const QUICK_GRAPHQL = fileURLToPath(new URL('../results/graphql-quick.json', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../results/openapi.json', import.meta.url));
const QUICK_OPENAPI = fileURLToPath(new URL('../results/openapi-quick.json', import.meta.url));

/** The issue's target: an adapter with the foundation guards keeps this share of bare throughput. */
export const TARGET_RATIO = 0.9;
const VARIANT_TITLES = { bare: 'bare', portcullis: 'Portcullis', peer: 'peer stack', 'peer-jwt': 'peer JWT middleware' };
const PEERS = {
  express5: 'express-rate-limit + express-jwt + express.json + express-openapi-validator',
  express4: 'express-rate-limit + express-jwt + express.json + express-openapi-validator',
  fastify5: '@fastify/rate-limit + @fastify/jwt + route JSON schema',
  koa3: 'koa-ratelimit (memory) + koa-jwt + @koa/bodyparser + ajv',
  hono4: 'hono-rate-limiter + hono/jwt + hono/validator with ajv',
};

/** The JWT middleware alone, each framework's usual one: the peer-jwt variant of jwt-mix. */
const PEER_JWTS = {
  express5: 'express-jwt + express.json',
  express4: 'express-jwt + express.json',
  fastify5: '@fastify/jwt (`request.jwtVerify()` in onRequest)',
  koa3: 'koa-jwt + @koa/bodyparser',
  hono4: 'hono/jwt + `c.req.json()`',
};

/**
 * The identity issue's targets on jwt-mix: Portcullis with jwt() keeps this share of bare throughput
 * (less on the two fastest frameworks, whose bare baseline leaves the least room), and beats the
 * framework's own JWT middleware in the same run.
 */
const JWT_MIX_TARGETS = { express5: 0.9, express4: 0.9, koa3: 0.9, fastify5: 0.85, hono4: 0.85 };
/** The identity issue's target for a decision on a token seen before (served from the verified-token cache). */
export const REPEAT_TOKEN_TARGET_NS = 5_000;
const REPEAT_TOKEN_CASES = ['jwt-hs256-cached', 'jwt-es256-cached'];
const NOT_MEASURED = 'not measured in this run';
/** The rate-limit issue's targets: the guard's own cost on the memory store, and p99 on Redis at a steady rate. */
export const RATE_LIMIT_MEMORY_TARGET_NS = 2_000;
export const RATE_LIMIT_REDIS_P99_TARGET_US = 1_000;
const RATE_LIMIT_MICRO_CASES = ['rate-limit-memory', 'rate-limit-memory-quota'];
const REDIS_P99_TARGET = `${RATE_LIMIT_REDIS_P99_TARGET_US / 1_000} ms`;

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

const percent = (ratio) => (ratio === null || ratio === undefined ? 'n/a' : `${Math.round(ratio * 100)}%`);
const number = (n) => Math.round(n).toLocaleString('en-US');
const micros = (ns) => `${(ns / 1_000).toFixed(1)} µs`;

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

function methodSection(config, policy) {
  return [
    '## Method',
    '',
    '- Each framework serves the same routes in up to four variants, each its own server process:',
    '  - **bare**: the framework and its usual JSON body parser, no protection;',
    '  - **Portcullis**: the adapter with the foundation guards of `@portcullis/core` (default request limits,',
    '    security headers, method-override refusal, an IP deny list, CORS, a route table with methods, unmatched',
    '    routes denied); the JSON body is read, capped, parsed and checked by Portcullis (`bench/lib/policy.mjs`);',
    ...(policy?.jwt === undefined ? ['    in this run, without any JWT verification;'] : [`    and ${policy.jwt};`]),
    '  - **peer**: the stack a user assembles today for an authenticated JSON API: JWT (HS256) + schema',
    '    validation + rate limit (limits far above the load, so they count but never block);',
    '  - **peer JWT middleware**: the framework\'s usual JWT middleware alone, with its JSON parsing (jwt-mix only).',
    `- Workloads: **small**, a ${SMALL_BODY.length}-byte JSON \`POST /api/items\` (bare and Portcullis); **auth-1k**, a 1,024-byte`,
    '  JSON `POST /api/orders` with `Authorization: Bearer <HS256 JWT>`, valid against the order schema (bare,',
    `  Portcullis, peer); **jwt-mix**, the small body on \`POST ${JWT_MIX_PATH}\` with the bearer token of one of`,
    `  ${number(JWT_MIX_CLIENTS)} clients, cycling (bare, Portcullis, peer JWT middleware). Every handler answers the same constant JSON.`,
    '- Before measuring, each variant is checked: 200 on the workload request; Portcullis answers carry its',
    '  security headers and a method-override header is refused; every variant that verifies tokens refuses a',
    '  missing token, a token signed with another secret, one from another issuer and one for another audience',
    '  (401), and on jwt-mix accepts the last client\'s token too; the peer refuses a body that breaks the schema (400).',
    `- Load: autocannon, ${config.connections} connections, pipelining 1, in a separate process; servers and the`,
    '  generator pinned to different cores so they never compete for one.',
    `- Each variant gets a ${config.warmupS} s warm-up (discarded), then ${config.rounds} round${config.rounds === 1 ? '' : 's'} of ${config.durationS} s that`,
    '  **alternate** between variants (bare, Portcullis, peer, bare, ...) so that drifts of the machine hit all',
    '  variants alike. Reported: median req/s of the rounds (min–max beside it), median p50/p99 latency, and the',
    '  median server CPU time (user + system, from `process.cpuUsage()` in the server) per request served.',
    '- Run it: `npm run bench` (about 15 minutes; `BENCH_QUICK=1` for a two-minute smoke run that publishes',
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
    'The peer JWT middleware of `jwt-mix`, alone: ' +
      Object.entries(PEER_JWTS)
        .filter(([id]) => id !== 'express4')
        .map(([, stack]) => stack)
        .join('; ') +
      '. Each checks the same issuer and audience as Portcullis.',
    '',
    'express-jwt and koa-jwt verify with `jsonwebtoken` 9, which, given the secret as a string, first tries',
    '`crypto.createPublicKey(secret)` on every request and only then falls back to a secret key; in a CPU profile',
    'of the Koa peer that attempt was most of the server\'s time. Passing `crypto.createSecretKey(...)` instead',
    'of the string avoids it; the benchmark keeps the documented string form, as users write it. Likewise',
    '@fastify/jwt has a verified-token cache (`verify: { cache: true }`) that is off by default and left off here.',
    '',
  ];
}

function smallRatio(framework) {
  return framework.workloads.small?.variants.portcullis?.ratioToBare;
}

/** "met by A (x), B (y); not met by C (z)" over `[title, ratio, met]` rows; rows without a ratio were not measured. */
function verdictList(rows) {
  const met = rows.filter(([, ratio, ok]) => ratio != null && ok).map(([title, ratio]) => `${title} (${percent(ratio)})`);
  const missed = rows.filter(([, ratio, ok]) => ratio != null && !ok).map(([title, ratio]) => `${title} (${percent(ratio)})`);
  const unmeasured = rows.filter(([, ratio]) => ratio == null).map(([title]) => title);
  return [met.length > 0 ? `**met** by ${met.join(', ')}` : '', missed.length > 0 ? `**not met** by ${missed.join(', ')}` : '', unmeasured.length > 0 ? `${NOT_MEASURED} for ${unmeasured.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** Per framework: the jwt-mix ratios and verdicts, or undefined where jwt-mix was not measured. */
function jwtMixRows(load) {
  return (load?.frameworks ?? []).map((framework) => {
    const variants = framework.workloads['jwt-mix']?.variants;
    const target = JWT_MIX_TARGETS[framework.id];
    const portcullis = variants?.portcullis;
    const peer = variants?.['peer-jwt'];
    return {
      framework,
      variants,
      target,
      portcullisRatio: portcullis?.ratioToBare ?? null,
      peerRatio: peer?.ratioToBare ?? null,
      meetsTarget: portcullis?.ratioToBare != null && target !== undefined && portcullis.ratioToBare >= target,
      beatsPeer: portcullis !== undefined && peer !== undefined ? portcullis.requestsPerSecond > peer.requestsPerSecond : null,
    };
  });
}

function repeatTokenRows(micro) {
  return REPEAT_TOKEN_CASES.map((id) => micro?.cases.find((c) => c.id === id)).filter((c) => c !== undefined);
}

/** The identity targets in a sentence each, for the summary. */
function identitySummary(load, micro) {
  const lines = [];
  const rows = jwtMixRows(load).filter((r) => r.variants !== undefined);
  if (rows.length === 0) lines.push(`- Identity targets on \`jwt-mix\` (authenticated small POST, ${number(JWT_MIX_CLIENTS)} clients' JWTs): ${NOT_MEASURED}.`);
  else {
    lines.push(`- Target "≥ 85% (Fastify, Hono) / ≥ 90% (Express, Koa) of bare throughput with jwt(), authenticated small POST": ${verdictList(rows.map((r) => [r.framework.title, r.portcullisRatio, r.meetsTarget]))}.`);
    const compared = rows.filter((r) => r.beatsPeer !== null);
    const beats = compared.filter((r) => r.beatsPeer).map((r) => r.framework.title);
    const loses = compared.filter((r) => !r.beatsPeer).map((r) => r.framework.title);
    lines.push(`- Target "beats the framework's JWT middleware in the same run": ${[beats.length > 0 ? `**met** on ${beats.join(', ')}` : '', loses.length > 0 ? `**not met** on ${loses.join(', ')}` : '', compared.length === 0 ? NOT_MEASURED : ''].filter(Boolean).join('; ')}.`);
  }
  const repeat = repeatTokenRows(micro);
  if (repeat.length === 0) lines.push(`- Target "a repeat-token decision costs ≤ ${micros(REPEAT_TOKEN_TARGET_NS)} median": ${NOT_MEASURED}.`);
  else {
    const all = repeat.every((c) => c.medianNs <= REPEAT_TOKEN_TARGET_NS);
    lines.push(`- Target "a repeat-token decision costs ≤ ${micros(REPEAT_TOKEN_TARGET_NS)} median": **${all ? 'met' : 'not met'}** (${repeat.map((c) => `${c.id.includes('es256') ? 'ES256' : 'HS256'} ${micros(c.medianNs)}`).join(', ')}, whole decide on the minimal policy).`);
  }
  return lines;
}

/** One plain sentence per target, at the top of the page. */
function summary(load, micro) {
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
  lines.push(...identitySummary(load, micro), '');
  return lines;
}

/** What the Portcullis column of the auth-1k comparison measures, from what the run recorded. */
function auth1kCaveat(load) {
  if (load.policy?.jwt !== undefined) {
    return [
      `The Portcullis column of that table runs the foundation guards and ${load.policy.jwt}. It is still **not**`,
      'the whole peer stack: there is no schema validation and no rate limit in it (the load benchmark\'s policy',
      'has no `rateLimit()`; rate limiters are compared in the rate-limit section below), so it shows the cost of',
      'the foundation guards and JWT verification on a 1 KB body.',
      '',
    ];
  }
  return [
    'The Portcullis column of that table is **not** a like-for-like comparison: this run predates the `jwt()`',
    'guard in the benchmark policy, so it has no JWT verification, and there is no rate limit either',
    '(the load benchmark\'s policy has no `rateLimit()`). It shows the cost of the foundation guards on a 1 KB body.',
    '',
  ];
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
  lines.push('', ...auth1kCaveat(load));
  return lines;
}

/** The identity micro rows, the repeat-token target on the cached ones, and jose called directly. */
function identityMicroTables(micro) {
  const rows = micro?.cases.filter((c) => c.group === 'identity') ?? [];
  if (rows.length === 0) return [`Micro benchmark (\`decide()\` with an identity guard, jose's own verify cost): ${NOT_MEASURED}.`, ''];
  const minimal = micro.cases.find((c) => c.id === 'minimal')?.medianNs;
  const lines = [
    `From the micro benchmark run of ${micro.generatedAt} (method below): one \`decide()\` of a GET on the minimal`,
    `policy plus one identity guard. "vs. minimal" is the guard's own cost. Target: a repeat-token decision ≤ ${micros(REPEAT_TOKEN_TARGET_NS)} median.`,
    '',
    '| case | request | µs / decide (median) | vs. minimal | repeat-token target |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const c of rows) {
    const delta = minimal === undefined ? 'n/a' : `${c.medianNs >= minimal ? '+' : '−'}${micros(Math.abs(c.medianNs - minimal))}`;
    const verdict = REPEAT_TOKEN_CASES.includes(c.id) ? (c.medianNs <= REPEAT_TOKEN_TARGET_NS ? '**met**' : '**not met**') : '';
    lines.push(`| ${c.title} | ${c.request} | ${micros(c.medianNs)} | ${delta} | ${verdict} |`);
  }
  lines.push('');
  const library = micro.library ?? [];
  if (library.length === 0) return [...lines, `jose's \`jwtVerify\` called directly: ${NOT_MEASURED}.`, ''];
  lines.push(
    'jose\'s `jwtVerify` called directly in the same micro run (no Portcullis, no cache: every call verifies; same',
    'checks as the guard: algorithm, issuer, audience, exp):',
    '',
    '| call | key | µs / call (median) |',
    '| --- | --- | ---: |',
    ...library.map((c) => `| ${c.title} | ${c.request} | ${micros(c.medianNs)} |`),
    '',
  );
  return lines;
}

function identitySection(load, micro) {
  const lines = [
    '## Identity: JWT on an authenticated small POST (`jwt-mix`)',
    '',
    `\`POST ${JWT_MIX_PATH}\` with the small JSON body and \`Authorization: Bearer <HS256 JWT>\`, the load generator cycling`,
    `through ${number(JWT_MIX_CLIENTS)} clients' tokens (a different \`sub\` each, every token reused), as real clients do.`,
    'Variants: **bare** (no auth, the framework\'s JSON parsing); **Portcullis** (foundation guards + `jwt()`,',
    'HS256, issuer and audience checked); **peer JWT middleware** (the framework\'s usual JWT middleware alone, with',
    'its JSON parsing, same secret, issuer and audience). Targets: Portcullis keeps ≥ 85% of bare throughput on',
    'Fastify and Hono and ≥ 90% on Express and Koa, and serves more requests than the peer JWT middleware.',
    'Each connection of the load generator starts at a different client, so each token is first seen once;',
    'Portcullis verifies it then (during the warm-up) and serves it from its verified-token cache afterwards, which',
    'is the steady state of clients that reuse their tokens. The peers verify every request. What a first-seen',
    'token costs is in the micro rows below (cold).',
    'The Portcullis / bare ratio here includes the foundation guards and the adapter, which `small` measures',
    'alone; the guard\'s own steady-state cost is the cache-hit row of the micro table below.',
    '',
  ];
  const rows = jwtMixRows(load).filter((r) => r.variants !== undefined);
  if (rows.length === 0) lines.push(`Load benchmark: ${NOT_MEASURED} (\`npm run bench\`).`, '');
  else {
    lines.push(
      '| framework | bare req/s | Portcullis req/s | peer JWT req/s | Portcullis / bare | target | met? | peer JWT / bare | peer JWT middleware | beats peer? |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
    );
    for (const r of rows) {
      const rps = (variant) => (r.variants[variant] === undefined ? 'n/a' : number(r.variants[variant].requestsPerSecond));
      const met = r.portcullisRatio === null ? NOT_MEASURED : r.meetsTarget ? '**yes**' : '**no**';
      const beats = r.beatsPeer === null ? NOT_MEASURED : r.beatsPeer ? '**yes**' : '**no**';
      lines.push(`| ${r.framework.title} | ${rps('bare')} | ${rps('portcullis')} | ${rps('peer-jwt')} | ${percent(r.portcullisRatio)} | ${percent(r.target)} | ${met} | ${percent(r.peerRatio)} | ${PEER_JWTS[r.framework.id] ?? ''} | ${beats} |`);
    }
    lines.push('', 'Server CPU per request and latency for each variant are in the per-framework tables below.', '');
  }
  lines.push(...identityMicroTables(micro));
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

function loadSections(load, micro) {
  if (load === undefined) return ['## Load benchmark', '', 'Not run yet: `npm run bench`.', '', ...identitySection(load, micro)];
  const when = `Load run: ${load.generatedAt}, ${load.elapsedS} s`;
  const lines = [...summary(load, micro), ...machineSection(load.machine, when), ...targetsSection(load), ...identitySection(load, micro), ...methodSection(load.config, load.policy), ...peerSection(), '## Results per framework', ''];
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
    // Identity rows are in their own section, with their targets and jose's own cost.
    ...(micro.cases.some((c) => c.group === 'identity') ? ['The identity guards\' rows (JWT, API key, signed requests) are in the identity section above.', ''] : []),
    ...(micro.cases.some((c) => c.group === 'rate-limit') ? ['The rate-limit rows are in the rate-limit section above.', ''] : []),
    '| case | request | ns / decide (median) | decisions / s | vs. minimal |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  const minimal = micro.cases.find((c) => c.id === 'minimal')?.medianNs;
  for (const c of micro.cases.filter((row) => row.group !== 'identity' && row.group !== 'rate-limit')) {
    const delta = minimal === undefined || c.id === 'minimal' ? '' : `${c.medianNs >= minimal ? '+' : '−'}${number(Math.abs(c.medianNs - minimal))} ns`;
    lines.push(`| ${c.title} | ${c.request} | ${number(c.medianNs)} | ${number(c.opsPerSecond)} | ${delta} |`);
  }
  lines.push('', ...micro.notes.map((n) => `- ${n}`), '');
  return lines;
}

// ---- Rate limits (bench/rate-limit.mjs and the rate-limit micro rows) ----

const ms3 = (us) => (us === undefined || us === null ? 'n/a' : `${(us / 1_000).toFixed(3)}`);
const verdict = (ok) => (ok ? '**met**' : '**not met**');

function rateLimitMicroRows(micro) {
  return RATE_LIMIT_MICRO_CASES.map((id) => micro?.cases.find((c) => c.id === id)).filter((c) => c !== undefined);
}

/** The guard's own cost: the row minus `minimal` of the same micro run. */
function guardCostNs(micro, row) {
  const minimal = micro?.cases.find((c) => c.id === 'minimal')?.medianNs;
  return minimal === undefined ? undefined : row.medianNs - minimal;
}

function rateLimitTargets(micro, rateLimit) {
  const lines = [];
  const rows = rateLimitMicroRows(micro);
  if (rows.length === 0) lines.push(`- Target "a decision on the memory store costs ≤ ${micros(RATE_LIMIT_MEMORY_TARGET_NS)} (median)": ${NOT_MEASURED} (\`node bench/micro.mjs\`).`);
  else {
    const each = rows.map((c) => {
      const cost = guardCostNs(micro, c);
      return `${c.title.replace(/^\+ rateLimit, memory store, /, '')}: ${cost === undefined ? 'n/a' : `${cost >= 0 ? '+' : '−'}${micros(Math.abs(cost))}, ${verdict(cost <= RATE_LIMIT_MEMORY_TARGET_NS)}`}`;
    });
    lines.push(`- Target "a decision on the memory store costs ≤ ${micros(RATE_LIMIT_MEMORY_TARGET_NS)} (median)", the guard's cost over the minimal policy: ${each.join('; ')}.`);
  }
  const redis = rateLimit?.decide?.find((d) => d.store === 'redis');
  const floor = rateLimit?.decide?.find((d) => d.store === 'none');
  if (redis?.latencyUs === undefined) lines.push(`- Target "p99 ≤ ${REDIS_P99_TARGET} on Redis over loopback at a steady 2,000 decisions/s": ${NOT_MEASURED} (\`node bench/rate-limit.mjs\`).`);
  else lines.push(`- Target "p99 ≤ ${REDIS_P99_TARGET} on Redis over loopback at a steady ${number(rateLimit.config.ratePerSecond)} decisions/s": ${verdict(redis.latencyUs.p99 <= RATE_LIMIT_REDIS_P99_TARGET_US)} (p50 ${ms3(redis.latencyUs.p50)} ms, p99 ${ms3(redis.latencyUs.p99)} ms${floor?.latencyUs === undefined ? '' : `; the same schedule doing nothing: p99 ${ms3(floor.latencyUs.p99)} ms`}).`);
  const rss = rateLimit?.rss;
  if (rss === undefined) lines.push(`- Memory under a flood of distinct keys: ${NOT_MEASURED}.`);
  else {
    const first = rss.checkpoints[0];
    const last = rss.checkpoints[rss.checkpoints.length - 1];
    const at100k = rss.checkpoints.find((c) => c.decisions === 100_000);
    lines.push(`- Memory under a flood of ${number(rss.distinctKeys)} distinct keys: RSS ${first.rssMiB} MiB before, ${at100k === undefined ? '' : `${at100k.rssMiB} MiB after 100,000, `}${last.rssMiB} MiB after ${number(last.decisions)} (V8 heap ${first.heapUsedMiB}, ${at100k === undefined ? '' : `${at100k.heapUsedMiB}, `}${last.heapUsedMiB} MiB); the store held ${number(last.storeKeys)} keys at the end (its bound: ${number(rss.maxKeys)}).`);
  }
  return lines;
}

function rateLimitMicroTable(micro) {
  const rows = rateLimitMicroRows(micro);
  if (rows.length === 0) return [`Micro benchmark (\`decide()\` with \`rateLimit()\` on the memory store): ${NOT_MEASURED}.`, ''];
  return [
    `From the micro benchmark run of ${micro.generatedAt}: one \`decide()\` of a GET on the minimal policy plus`,
    '`rateLimit()` on the policy\'s default MemoryStore, one client IP, limits far above the number of decides',
    `(every decide counts, none is refused). "vs. minimal" is the guard's own cost; target ≤ ${micros(RATE_LIMIT_MEMORY_TARGET_NS)}.`,
    '',
    '| case | µs / decide (median) | vs. minimal | target |',
    '| --- | ---: | ---: | --- |',
    ...rows.map((c) => {
      const cost = guardCostNs(micro, c);
      return `| ${c.title} | ${micros(c.medianNs)} | ${cost === undefined ? 'n/a' : `${cost >= 0 ? '+' : '−'}${micros(Math.abs(cost))}`} | ${cost === undefined ? 'n/a' : verdict(cost <= RATE_LIMIT_MEMORY_TARGET_NS)} |`;
    }),
    '',
  ];
}

const DECIDE_ROW_TITLES = { none: 'no-op (the floor: the schedule, the client, the machine)', memory: 'memory', redis: 'redis' };

function decideTable(rateLimit) {
  const rows = rateLimit.decide ?? [];
  if (rows.length === 0) return [`\`decide()\` at a steady rate: ${NOT_MEASURED}.`, ''];
  return [
    `**\`decide()\` at a steady ${number(rateLimit.config.ratePerSecond)} decisions/s** (in process, ${rateLimit.config.decideSeconds} s per store after a 1 s warm-up,`,
    `1,000 client IPs in turn${rateLimit.redis === null ? '' : `; Redis ${rateLimit.redis.version} on ${rateLimit.redis.where} through ioredis`}). Latency from each decision's scheduled start, in ms:`,
    '',
    '| store | p50 | p90 | p99 | p99.9 | max | operations | scheduler lag p99 | p99 target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((d) => {
      const l = d.latencyUs;
      const target = d.store === 'redis' ? verdict(l?.p99 <= RATE_LIMIT_REDIS_P99_TARGET_US) : '';
      return `| ${DECIDE_ROW_TITLES[d.store] ?? d.store} | ${ms3(l?.p50)} | ${ms3(l?.p90)} | ${ms3(l?.p99)} | ${ms3(l?.p999)} | ${ms3(l?.max)} | ${number(d.completed)}${d.failed + d.errors + d.skipped > 0 ? ` (+${d.failed + d.errors + d.skipped} not counted)` : ''} | ${ms3(d.startLagUs?.p99)} | ${target} |`;
    }),
    '',
  ];
}


function httpTables(rateLimit) {
  const variants = rateLimit.http?.variants ?? [];
  if (variants.length === 0) return [`Over HTTP at a steady rate: ${NOT_MEASURED}.`, ''];
  const c = rateLimit.config;
  const lines = [
    `**Over HTTP at a steady ${number(c.ratePerSecond)} req/s** (one client IP, ${c.httpRounds} round${c.httpRounds === 1 ? '' : 's'} of ${c.httpSeconds} s per variant after a ${c.httpWarmupSeconds} s warm-up, variants alternating).`,
    'Latency from each request\'s scheduled start to the end of its answer, in ms; server CPU is the server process\'s',
    'user + system time per request served (median of the rounds):',
    '',
    '| framework | limiter | store | p50 | p99 | p99.9 | requests | server CPU µs/req |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...variants.map((v) => `| ${v.frameworkTitle} | ${v.variant === 'bare' ? 'none (bare)' : v.limiter} | ${v.store} | ${ms3(v.latencyUs?.p50)} | ${ms3(v.latencyUs?.p99)} | ${ms3(v.latencyUs?.p999)} | ${number(v.completed)}${v.failed + v.errors + v.skipped > 0 ? ` (+${v.failed + v.errors + v.skipped} failed)` : ''} | ${v.serverCpuMicrosPerRequest ?? 'n/a'} |`),
    '',
  ];
  const ratios = rateLimit.http.ratios ?? [];
  if (ratios.length > 0) {
    lines.push(
      'Portcullis / peer in the same run (below 1: Portcullis is faster or cheaper):',
      '',
      '| framework | peer | peer store | p50 | p99 | server CPU per request |',
      '| --- | --- | --- | ---: | ---: | ---: |',
      ...ratios.map((r) => `| ${r.frameworkTitle} | ${r.peer} | ${r.peerStore} | ${r.p50 ?? 'n/a'} | ${r.p99 ?? 'n/a'} | ${r.serverCpu ?? 'n/a'} |`),
      '',
    );
  }
  return lines;
}

function rssTable(rateLimit) {
  const rss = rateLimit.rss;
  if (rss === undefined) return [`Memory under a flood of distinct keys: ${NOT_MEASURED}.`, ''];
  return [
    `**Memory under a flood of distinct keys**: a fresh process, a firewall on the default MemoryStore (at most ${number(rss.maxKeys)} keys)`,
    `and \`rateLimit({ key: { header: 'x-key' } })\`, one decision per distinct key (${number(rss.distinctKeys)} in ${number(rss.elapsedMs / 1_000)} s), measured after a full GC:`,
    '',
    '| decisions | RSS MiB | V8 heap used MiB | keys in the store | µs / decision since the previous row |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rss.checkpoints.map((p, i) => {
      const previous = rss.checkpoints[i - 1];
      const perDecision = previous === undefined || p.elapsedMs === undefined ? '' : (((p.elapsedMs - previous.elapsedMs) / (p.decisions - previous.decisions)) * 1_000).toFixed(1);
      return `| ${number(p.decisions)} | ${p.rssMiB} | ${p.heapUsedMiB} | ${number(p.storeKeys)} | ${perDecision} |`;
    }),
    '',
  ];
}

function rateLimitSection(micro, rateLimit) {
  const lines = [
    '## Rate limits (`@portcullis/rate-limit`)',
    '',
    `Targets: a decision on the memory store costs ≤ ${micros(RATE_LIMIT_MEMORY_TARGET_NS)} (median); on Redis over loopback, p99 ≤ ${REDIS_P99_TARGET}`,
    'at a steady 2,000 decisions/s; memory stays flat when a flood of distinct keys arrives. Every limiter',
    'below counts every request, with limits far above the load (none refuses).',
    '',
    ...rateLimitTargets(micro, rateLimit),
    '',
    ...rateLimitMicroTable(micro),
  ];
  if (rateLimit === undefined) return [...lines, `Steady-rate latency, the HTTP comparison and memory: ${NOT_MEASURED} (\`node bench/rate-limit.mjs\`).`, ''];
  lines.push(
    `Run ${rateLimit.generatedAt} on ${rateLimit.machine.cpus} × ${rateLimit.machine.cpuModel}, Node ${rateLimit.machine.node} (\`node bench/rate-limit.mjs\`).`,
    '',
    ...busyWarning(rateLimit.machine),
    ...(busyWarning(rateLimit.machine).length > 0 ? [''] : []),
    ...decideTable(rateLimit),
    ...httpTables(rateLimit),
    ...rssTable(rateLimit),
    'Method:',
    '',
    '- **Open loop.** One operation starts every 0.5 ms (2,000/s) on a schedule, whatever the earlier ones are',
    '  doing, and each is timed from its *scheduled* start, so a stall delays everything scheduled during it and',
    '  shows in the percentiles (a closed loop such as autocannon slows down with the server and hides it). The',
    '  schedule is kept by a loop on the monotonic clock; "scheduler lag" is how late operations actually started.',
    '  The no-op row runs the same schedule with an operation that does nothing: on a shared virtual machine its',
    '  p99 shows the pauses the machine itself adds; read the other p99s against it.',
    '- The measuring process (client and in-process decisions) is pinned to its own core with',
    '  `--single-threaded-gc`, so that its garbage collector never waits for the server\'s core.',
    '- **HTTP.** Each variant is its own server process on one core; the client (node:http, keep-alive agent) runs',
    '  on the other. Variants: the framework bare; its usual limiter (Express 5: express-rate-limit with',
    '  rate-limit-redis; Fastify 5: @fastify/rate-limit with its `redis` option); Portcullis (the adapter, a',
    '  minimal policy and `rateLimit()` on `@portcullis/redis`). Each limiter has its own ioredis client with',
    '  default options, one Redis server for all. Before measuring, each variant must answer 200 with its',
    '  limiter\'s header, and its counter must exist in Redis.',
    '- Redis runs on the same two cores as the client and the servers: absolute numbers include that contention;',
    '  compare variants within one run.',
    '',
    ...(rateLimit.notes.length > 0 ? ['Notes:', '', ...rateLimit.notes.map((n) => `- ${n}`), ''] : []),
  );
  return lines;
}

/** The page, from load, micro, rate-limit, GraphQL and OpenAPI results (any may be undefined). */
export function renderReport(load, micro, rateLimit, graphql, openapi) {
  const lines = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/run.mjs, bench/micro.mjs, bench/rate-limit.mjs, bench/graphql.mjs and bench/openapi.mjs from bench/results/*.json; edit bench/lib/report.mjs, not this page. -->',
    '',
    'How much throughput Portcullis costs each framework, measured against the same app without protection',
    '(bare) and against the peer stack a user would otherwise assemble. Ratios are only comparable within',
    'one run on one machine; absolute numbers depend on the machine.',
    '',
    ...loadSections(load, micro),
    ...rateLimitSection(micro, rateLimit),
    ...graphqlSection(graphql, busyWarning),
    ...openapiSection(openapi, busyWarning),
    ...microSection(micro),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Regenerates docs/benchmarks.md from the committed results. */
export function writeReport() {
  writeFileSync(PAGE, renderReport(readJson(LOAD), readJson(MICRO), readJson(RATE_LIMIT), readJson(GRAPHQL), readJson(OPENAPI)));
}

/**
 * A preview of the page from the quick runs' results (results/quick.json, results/micro-quick.json,
 * results/rate-limit-quick.json, results/graphql-quick.json, results/openapi-quick.json),
 * written to the git-ignored results/quick.md: quick numbers are never published.
 */
export function writeQuickPreview() {
  writeFileSync(QUICK_PAGE, renderReport(readJson(QUICK_LOAD), readJson(QUICK_MICRO), readJson(QUICK_RATE_LIMIT), readJson(QUICK_GRAPHQL), readJson(QUICK_OPENAPI)));
  return QUICK_PAGE;
}

// `node bench/lib/report.mjs` regenerates the page; with BENCH_QUICK=1 it writes the quick preview instead.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.env.BENCH_QUICK === '1') console.log(`wrote ${writeQuickPreview()}`);
  else writeReport();
}
