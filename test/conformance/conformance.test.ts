/**
 * The adapter conformance suite: every scenario on every harness, over real HTTP on loopback.
 *
 * For each harness: `describe(harness.name)` holds one test per scenario (the answer meets the
 * scenario's expectation) and, for adapters, one test per scenario comparing the answer with the
 * reference harness's (same status, firewall-controlled headers and body).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppPool, bodyParserNotApplicable, checkAnswer, diffAnswers, HARNESSES, KNOWN_DEVIATIONS, knownDeviation, normalizeAnswer, referenceHarness, sendScenario, withoutHeader, type Answer } from './runner.js';
import { SCENARIOS } from './scenarios/index.js';

const notApplicable = await bodyParserNotApplicable(HARNESSES);
/** harness name -> scenario name -> normalized answer. */
const answers = new Map<string, Map<string, Answer>>();
const TEST_TIMEOUT_MS = 20_000;

it('every known deviation names an existing harness and scenario', () => {
  for (const d of KNOWN_DEVIATIONS) {
    assert.ok(HARNESSES.some((h) => h.name === d.harness), `no harness named ${d.harness}`);
    assert.ok(SCENARIOS.some((s) => s.name === d.scenario), `no scenario named ${d.scenario}`);
    assert.ok(d.reason.trim() !== '', 'a known deviation states its reason');
  }
});

for (const harness of HARNESSES) {
  const mine = new Map<string, Answer>();
  answers.set(harness.name, mine);
  describe(harness.name, () => {
    const pool = new AppPool(harness);
    after(() => pool.closeAll());

    SCENARIOS.forEach((scenario, index) => {
      const n = index + 1;
      const reason = scenario.options?.frameworkBodyParser === true ? notApplicable.get(harness.name) : undefined;
      if (reason !== undefined) {
        it(`${scenario.name} [not applicable on ${harness.name}: ${reason}]`, { skip: `NotApplicable: ${reason}` }, () => undefined);
        return;
      }
      const deviation = knownDeviation(harness.name, scenario.name);
      const title = deviation === undefined ? scenario.name : `${scenario.name} [known deviation, ${deviation.kind}: ${deviation.reason}]`;
      it(title, { timeout: TEST_TIMEOUT_MS }, async () => {
        const app = await pool.get(scenario.policy, scenario.options);
        const sent = await sendScenario(app, scenario, n);
        if (deviation?.kind === 'refused-before-firewall') {
          for (const response of sent) {
            assert.equal(response.status, 400, 'the server refuses the request itself');
            assert.ok(!response.headers.some(([name]) => name.toLowerCase() === 'x-app'), 'the handler never ran');
          }
          return;
        }
        const responses = deviation?.kind === 'extra-header' ? sent.map((r) => withoutHeader(r, deviation.header)) : sent;
        const normalized = responses.map((r) => normalizeAnswer(scenario, n, r));
        mine.set(scenario.name, normalized[0] as Answer);
        for (const response of responses) checkAnswer(scenario, n, response);
        for (const other of normalized.slice(1)) {
          const differences = diffAnswers(normalized[0] as Answer, other);
          assert.ok(differences.length === 0, `the same request must get the same answer every time:\n  ${differences.join('\n  ')}`);
        }
      });
    });

    if (harness === referenceHarness) return;
    describe(`${harness.name}: same answers as ${referenceHarness.name}`, () => {
      for (const scenario of SCENARIOS) {
        if (scenario.options?.frameworkBodyParser === true && notApplicable.has(harness.name)) continue;
        // A request the server refuses before any middleware has no firewall answer to compare.
        if (knownDeviation(harness.name, scenario.name)?.kind === 'refused-before-firewall') continue;
        it(scenario.name, () => {
          const expected = answers.get(referenceHarness.name)?.get(scenario.name);
          const actual = mine.get(scenario.name);
          assert.ok(expected !== undefined, `${referenceHarness.name} produced no answer for this scenario`);
          assert.ok(actual !== undefined, `${harness.name} produced no answer for this scenario`);
          const differences = diffAnswers(expected, actual);
          assert.ok(differences.length === 0, `differs from ${referenceHarness.name}:\n  ${differences.join('\n  ')}`);
        });
      }
    });
  });
}
