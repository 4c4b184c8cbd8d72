// The "GraphQL" section of docs/benchmarks.md, from bench/results/graphql.json (bench/graphql.mjs).
// Results from before a column existed still render: what they lack is "n/a" or "not measured".

/** The GraphQL issue's targets: at least this many times faster than graphql-armor's combined checks… */
export const GRAPHQL_ARMOR_RATIO_TARGET = 3;
/** …and at most this median analysis time per corpus query. */
export const GRAPHQL_ANALYSIS_TARGET_NS = 20_000;

const us = (ns) => (ns === undefined || ns === null ? 'n/a' : `${(ns / 1_000).toFixed(1)} µs`);
const times = (r) => (r === undefined || r === null ? 'n/a' : `${r.toFixed(2)}×`);
const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');

/**
 * The analysis time the 20 µs target is judged on: the measured Portcullis column, which includes
 * parsing when the analyzer parses itself (conservative; the estimate without parse is shown next to it).
 */
const analysisNs = (corpus) => corpus.medianNs.portcullis;

function targets(graphql) {
  const measured = graphql.corpora.filter((c) => c.medianNs.portcullis !== undefined && c.medianNs.portcullis !== null);
  if (measured.length === 0) return ['- Targets: not measured (the analyzer was not available to this run).', ''];
  const ratioOk = measured.every((c) => c.ratios.armorOverPortcullis >= GRAPHQL_ARMOR_RATIO_TARGET);
  const timeOk = measured.every((c) => analysisNs(c) <= GRAPHQL_ANALYSIS_TARGET_NS);
  const withParse = graphql.portcullisBasis === 'including parse';
  const basis = withParse ? '; measured: Portcullis timed with its parse, graphql-armor with one parse added' : '';
  const lines = [
    `- Target "≥ ${GRAPHQL_ARMOR_RATIO_TARGET}× faster than graphql-armor's combined checks" (median per-query ratio, every corpus${basis}): ${verdict(ratioOk)} (${measured.map((c) => `${c.id} ${times(c.ratios.armorOverPortcullis)}`).join(', ')}).`,
    `- Target "≤ ${us(GRAPHQL_ANALYSIS_TARGET_NS)} median analysis per corpus query"${withParse ? ' (measured, the analysis including its parse)' : ''}: ${verdict(timeOk)} (${measured.map((c) => `${c.id} ${us(analysisNs(c))}`).join(', ')}).`,
  ];
  if (withParse) {
    // The analyzer takes text only, so its cost without parsing is an estimate: shown, judged apart.
    const estimateRatioOk = measured.every((c) => c.ratios.armorOverPortcullisWithoutParse >= GRAPHQL_ARMOR_RATIO_TARGET);
    const estimateTimeOk = measured.every((c) => c.medianNs.portcullisWithoutParse <= GRAPHQL_ANALYSIS_TARGET_NS);
    lines.push(
      `- The same targets on the analysis without parse (an estimate: Portcullis − parse per query): ≥ ${GRAPHQL_ARMOR_RATIO_TARGET}× ${verdict(estimateRatioOk)} (${measured.map((c) => `${c.id} ${times(c.ratios.armorOverPortcullisWithoutParse)}`).join(', ')}); ≤ ${us(GRAPHQL_ANALYSIS_TARGET_NS)} ${verdict(estimateTimeOk)} (${measured.map((c) => `${c.id} ${us(c.medianNs.portcullisWithoutParse)}`).join(', ')}).`,
    );
  }
  return [...lines, ''];
}

function corpusTable(graphql) {
  const withParse = graphql.portcullisBasis === 'including parse';
  return [
    `| corpus | queries | parse | Portcullis${withParse ? ' (incl. parse)' : ''} | ${withParse ? 'Portcullis − parse (est.) | ' : ''}depth-limit + query-complexity | graphql-armor | armor / Portcullis | depth-limit + complexity / Portcullis | graphql-js specified rules | graphql-armor in a server's validation |`,
    `| --- | ---: | ---: | ---: | ${withParse ? '---: | ' : ''}---: | ---: | ---: | ---: | ---: | ---: |`,
    ...graphql.corpora.map((c) => {
      const count = c.measured === c.queries ? `${c.queries}` : `${c.measured} of ${c.queries}`;
      return `| ${c.title} | ${count} | ${us(c.medianNs.parse)} | ${us(c.medianNs.portcullis)} | ${withParse ? `${us(c.medianNs.portcullisWithoutParse)} | ` : ''}${us(c.medianNs.depthComplexity)} | ${us(c.medianNs.armor)} | ${times(c.ratios.armorOverPortcullis)} | ${times(c.ratios.depthComplexityOverPortcullis)} | ${us(c.medianNs.specified)} | ${us(c.medianNs.armorInServerValidation)} |`;
    }),
    '',
  ];
}

function excludedList(graphql) {
  const excluded = graphql.corpora.flatMap((c) => c.excluded.map((e) => `- ${c.id} \`${e.name}\`: ${e.reasons.join('; ')}.`));
  return excluded.length === 0 ? [] : ['Queries left out of every column (a tool refused them despite the high limits):', '', ...excluded, ''];
}

function memoryTable(graphql) {
  if (graphql.memory === undefined || graphql.memory.length === 0) return ['Memory on oversized documents: not measured in this run.', ''];
  return [
    '**Oversized documents**, each analyzed repeatedly in the same process after a full GC: time per call, and how much',
    'RSS and V8 heap grew over the calls (RSS right after them and after another full GC; the heap after that GC: what is still held):',
    '',
    '| document | bytes | outcome | calls | median | max | RSS Δ MiB | RSS Δ after GC | heap Δ after GC |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...graphql.memory.map((m) => `| ${m.title} | ${m.documentBytes.toLocaleString('en-US')} | \`${m.outcome}\` | ${m.calls} | ${m.medianUs} µs | ${m.maxUs} µs | ${m.rssDeltaBeforeGcMiB} | ${m.rssDeltaMiB} | ${m.heapUsedDeltaMiB} |`),
    '',
  ];
}

/**
 * The section; `graphql` is undefined when bench/graphql.mjs has not run. `busyWarning(machine)` is
 * the page's warning lines for a machine that was busy when the run started.
 */
export function graphqlSection(graphql, busyWarning = () => []) {
  const lines = [
    '## GraphQL (`@portcullis/graphql`)',
    '',
    `Targets: the analysis is at least ${GRAPHQL_ARMOR_RATIO_TARGET}× faster than graphql-armor's combined checks (max-depth, max-aliases,`,
    `max-directives, cost-limit) and takes at most ${us(GRAPHQL_ANALYSIS_TARGET_NS)} (median) per corpus query; memory stays bounded`,
    'for any input (a token cap).',
    '',
  ];
  if (graphql === undefined) return [...lines, 'Not measured (`node bench/graphql.mjs`).', ''];
  const m = graphql.machine;
  return [
    ...lines,
    ...targets(graphql),
    ...busyWarning(m),
    ...(busyWarning(m).length > 0 ? [''] : []),
    `Run ${graphql.generatedAt} on ${m.cpus} × ${m.cpuModel}, Node ${m.node} (\`node bench/graphql.mjs\`): ${graphql.config.samples} batches of`,
    `${graphql.config.batch} calls per query and tool, after ${graphql.config.warmup} warm-up calls; the tools take turns on each query. Per corpus, the`,
    'median over its queries of each query\'s median time; the ratios are the median over queries of the per-query ratio.',
    '',
    ...corpusTable(graphql),
    ...excludedList(graphql),
    ...memoryTable(graphql),
    ...(graphql.notes.length > 0 ? ['Notes:', '', ...graphql.notes.map((n) => `- ${n}`), ''] : []),
  ];
}
