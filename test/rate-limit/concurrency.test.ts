/**
 * rateLimit() across a fleet: 4 worker processes (support/concurrency-worker.ts), each with its
 * own ioredis client and its own firewall, share one Redis and one key prefix, and send at the
 * same moment, all as the same client. Whatever the interleaving, the fleet admits exactly the
 * limit when demand exceeds it (never more, never fewer), and everything when demand is below it.
 *
 * The counter is one atomic Redis step per request, so each admitted request sees a different
 * count: the `ratelimit.remaining` values of the admitted requests are each value once.
 *
 * Needs Redis at REDIS_URL: skipped with a loud notice when it is missing, failed under CI=true.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { deleteKeysWithPrefix, IN_CI, ioredisClient, redisUnavailableReason, skipReasonFor, uniquePrefix } from '../../packages/redis/test/support/redis.js';
import { startFleet, stopFleet, type Worker } from './support/fleet.js';
import { get, loopbackAgent, type HttpAnswer } from './support/http-client.js';
import type { DecisionSummary, LimitSetup } from './support/worker-protocol.js';

const WORKERS = 4;
const WINDOW_SECONDS = 60;
/** The members of a problem body that reveal nothing of the limits (exposeDetails is off). */
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId']);

const unavailable = await redisUnavailableReason();
const skip = skipReasonFor(unavailable, 'rate-limit concurrency tests on Redis');

test('Redis answers at REDIS_URL (required when CI=true)', { skip: IN_CI ? false : (unavailable ?? false) }, () => {
  assert.equal(unavailable, undefined, unavailable);
});

function policyHeader(setup: LimitSetup): string {
  return `"w${setup.windowSeconds}";q=${setup.points};w=${setup.windowSeconds}`;
}

function assertRetryAfter(value: string | undefined, where: string): void {
  assert.ok(value !== undefined, `${where}: a 429 carries Retry-After`);
  assert.match(value, /^\d+$/, `${where}: Retry-After is delta-seconds`);
  const seconds = Number(value);
  assert.ok(seconds >= 1 && seconds <= WINDOW_SECONDS, `${where}: Retry-After ${seconds} lies within the ${WINDOW_SECONDS} s window`);
}

/** Every refusal is a 429 rate_limited with Retry-After and the window's RateLimit-Policy. */
function assertRefusals(decisions: readonly DecisionSummary[], setup: LimitSetup): void {
  for (const [i, decision] of decisions.entries()) {
    if (decision.outcome === 'allow') continue;
    const where = `refusal ${i}`;
    assert.deepEqual([decision.outcome, decision.status, decision.code], ['deny', 429, 'rate_limited'], where);
    assertRetryAfter(decision.retryAfter, where);
    assert.equal(decision.rateLimitPolicy, policyHeader(setup), `${where}: RateLimit-Policy`);
    assert.match(decision.rateLimit ?? '', new RegExp(`^"w${setup.windowSeconds}";r=0;t=\\d+$`), `${where}: RateLimit shows nothing remaining`);
  }
}

/** Admitted requests were counted on Redis; nothing fell back to the insurance limiter. */
function assertCountedOnRedis(decisions: readonly DecisionSummary[]): void {
  const insurance = decisions.filter((d) => d.store === 'insurance').length;
  assert.equal(insurance, 0, 'no decision fell back to the in-memory insurance limiter (Redis was up all along)');
  for (const decision of decisions.filter((d) => d.outcome === 'allow')) assert.equal(decision.store, 'redis');
}

/** Each admitted request saw its own count: remaining = points - cost * k, for k = 1..admitted, each once. */
function assertEachCountOnce(decisions: readonly DecisionSummary[], setup: LimitSetup, admitted: number): void {
  const cost = setup.cost ?? 1;
  const seen = decisions
    .filter((d) => d.outcome === 'allow')
    .map((d) => d.remaining)
    .sort((a, b) => (b ?? -1) - (a ?? -1));
  const expected = Array.from({ length: admitted }, (_, k) => setup.points - cost * (k + 1));
  assert.deepEqual(seen, expected, 'ratelimit.remaining of the admitted requests: one per count, none shared');
}

describe(`rateLimit() on Redis shared by ${WORKERS} worker processes`, { skip: skip ?? false }, () => {
  let workers: Worker[] = [];
  const prefixes: string[] = [];

  before(async () => {
    workers = await startFleet(WORKERS);
  });
  after(async () => {
    await stopFleet(workers);
    if (prefixes.length > 0) {
      const cleanup: Redis = ioredisClient();
      cleanup.on('error', () => {});
      try {
        await cleanup.connect();
        for (const prefix of prefixes) await deleteKeysWithPrefix(cleanup, prefix);
      } finally {
        cleanup.disconnect();
      }
    }
  });

  function setupFor(label: string, points: number, cost?: number): LimitSetup {
    const prefix = uniquePrefix(`rl-concurrency-${label}`);
    prefixes.push(prefix);
    return { prefix, points, windowSeconds: WINDOW_SECONDS, ...(cost === undefined ? {} : { cost }) };
  }

  /** Each worker builds its firewall, then all send `perWorker` decisions at the same moment. */
  async function burst(setup: LimitSetup, perWorker: number): Promise<DecisionSummary[][]> {
    await Promise.all(workers.map((worker) => worker.ask({ type: 'prepare', setup, serveHttp: false }, 'prepared')));
    try {
      const results = await Promise.all(workers.map((worker) => worker.ask({ type: 'burst', requests: perWorker, clientIp: '198.51.100.23' }, 'burst-done')));
      for (const [i, result] of results.entries()) assert.deepEqual(result.rejected, [], `worker ${i}: decide() never rejects`);
      return results.map((result) => [...result.decisions]);
    } finally {
      await Promise.all(workers.map((worker) => worker.ask({ type: 'finish' }, 'finished')));
    }
  }

  test('demand above the limit: exactly the limit is admitted, fleet-wide (4 x 200 requests, limit 300)', async () => {
    const setup = setupFor('above', 300);
    const perWorker = await burst(setup, 200);
    const all = perWorker.flat();
    assert.equal(all.length, 800);
    const admitted = all.filter((d) => d.outcome === 'allow').length;
    assert.equal(admitted, 300, `admitted per worker: ${perWorker.map((ds) => ds.filter((d) => d.outcome === 'allow').length).join(' + ')}`);
    assert.equal(all.length - admitted, 500);
    assertCountedOnRedis(all);
    assertEachCountOnce(all, setup, 300);
    assertRefusals(all, setup);
  });

  test('demand below the limit: every request is admitted (4 x 200 requests, limit 1000)', async () => {
    const setup = setupFor('below', 1000);
    const all = (await burst(setup, 200)).flat();
    assert.equal(all.length, 800);
    assert.deepEqual(
      all.filter((d) => d.outcome !== 'allow').map((d) => `${String(d.status)} ${String(d.code)}`),
      [],
      'nothing refused below the limit',
    );
    assertCountedOnRedis(all);
    assertEachCountOnce(all, setup, 800);
  });

  test('a cost of 3 points per request: floor(301 / 3) = 100 admitted, fleet-wide (4 x 200 requests)', async () => {
    const setup = setupFor('cost', 301, 3);
    const all = (await burst(setup, 200)).flat();
    assert.equal(all.length, 800);
    assert.equal(all.filter((d) => d.outcome === 'allow').length, 100, 'a request whose cost no longer fits is refused: no partial admission');
    assertCountedOnRedis(all);
    assertEachCountOnce(all, setup, 100);
    assertRefusals(all, setup);
  });

  test('over HTTP: 4 Express 5 services, requests fired at all of them at once (4 x 150, limit 250)', async () => {
    const setup = setupFor('http', 250);
    const prepared = await Promise.all(workers.map((worker) => worker.ask({ type: 'prepare', setup, serveHttp: true }, 'prepared')));
    const agents = workers.map(() => loopbackAgent(32));
    let answers: HttpAnswer[];
    let handlerAdmitted: number[];
    try {
      const requests: Promise<HttpAnswer>[] = [];
      // Interleaved across the services, as a load balancer would spread them.
      for (let i = 0; i < 150; i++) {
        for (const [w, { port }] of prepared.entries()) {
          assert.ok(port !== undefined, `worker ${w} serves HTTP`);
          requests.push(get(port, `/orders?n=${i}`, agents[w]!));
        }
      }
      answers = await Promise.all(requests);
    } finally {
      const finished = await Promise.all(workers.map((worker) => worker.ask({ type: 'finish' }, 'finished')));
      handlerAdmitted = finished.map((f) => f.handlerAdmitted);
      for (const agent of agents) agent.destroy();
    }

    assert.equal(answers.length, 600);
    const ok = answers.filter((a) => a.status === 200);
    assert.equal(ok.length, 250, 'exactly the limit answered 200');
    assert.equal(
      handlerAdmitted.reduce((sum, n) => sum + n, 0),
      250,
      `the handlers ran exactly the limit times (per service: ${handlerAdmitted.join(' + ')})`,
    );
    for (const answer of ok) {
      assert.equal(answer.body, 'ok');
      assert.equal(answer.headers['ratelimit-policy'], policyHeader(setup), 'an allowed response carries RateLimit-Policy');
      assert.match(String(answer.headers['ratelimit']), /^"w60";r=\d+;t=\d+$/, 'an allowed response carries RateLimit');
    }
    for (const [i, answer] of answers.filter((a) => a.status !== 200).entries()) {
      const where = `HTTP refusal ${i}`;
      assert.equal(answer.status, 429, where);
      assert.equal(answer.headers['content-type'], 'application/problem+json', where);
      assertRetryAfter(answer.headers['retry-after'] as string | undefined, where);
      assert.equal(answer.headers['ratelimit-policy'], policyHeader(setup), where);
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      assert.equal(body['code'], 'rate_limited', where);
      assert.equal(body['status'], 429, where);
      const extra = Object.keys(body).filter((member) => !PROBLEM_MEMBERS.has(member));
      assert.deepEqual(extra, [], `${where}: no limit values in the body unless exposeDetails is on`);
    }
  });
});
