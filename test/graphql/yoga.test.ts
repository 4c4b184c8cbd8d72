// useGraphQLProtection on a real graphql-yoga 5 server (node:http on loopback, real fetch).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga, type Plugin as YogaPlugin } from 'graphql-yoga';
import { FirewallError } from '@portcullis/core';
import { createAnalyzer, useGraphQLProtection, type Analysis } from '@portcullis/graphql';
import {
  ANALYZER_OPTIONS,
  COMPARISON_INPUTS,
  DEPTH_BOMB,
  HOSTILE_CASES,
  INTROSPECTION_QUERY,
  LEGIT_QUERY,
  RESOLVERS,
  ROLE_HEADER,
  TYPE_DEFS,
  identityForRole,
  postGraphQL,
  type GraphQLErrorBody,
} from './plugin-fixtures.js';
import { describeEveryPlugin } from './plugin-suite.js';

interface Running {
  readonly url: string;
  readonly decisions: Analysis[];
  close(): Promise<void>;
}

type ProtectionOptions = Parameters<typeof useGraphQLProtection>[0];
type Plugin = ReturnType<typeof useGraphQLProtection>;

interface StartOptions {
  /** Typed with Yoga's own Plugin type, so the plugin's structural types are checked against graphql-yoga's. */
  shape?: (plugin: Plugin) => YogaPlugin;
  batching?: boolean;
  /** Plugins placed after the protection plugin. */
  later?: YogaPlugin[];
  /** Replaces the recording onDecision (to test a throwing one). */
  onDecision?: (analysis: Analysis) => void;
}

async function startYoga(options: ProtectionOptions, start: StartOptions = {}): Promise<Running> {
  const decisions: Analysis[] = [];
  const plugin = useGraphQLProtection({
    ...options,
    onDecision:
      start.onDecision ??
      ((analysis) => {
        decisions.push(analysis);
      }),
  });
  const shape = start.shape ?? ((whole: Plugin): YogaPlugin => whole);
  const yoga = createYoga({
    schema: createSchema({ typeDefs: TYPE_DEFS, resolvers: RESOLVERS }),
    plugins: [shape(plugin), ...(start.later ?? [])],
    batching: start.batching ?? false,
    logging: false,
    graphiql: false,
  });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    decisions,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const withRoleIdentity: ProtectionOptions = {
  ...ANALYZER_OPTIONS,
  identity: (context) => identityForRole(context.request?.headers.get(ROLE_HEADER)),
};

describe('useGraphQLProtection on graphql-yoga (onParams fast path)', () => {
  let yoga: Running;
  before(async () => {
    yoga = await startYoga(withRoleIdentity);
  });
  after(async () => {
    await yoga.close();
  });
  beforeEach(() => {
    yoga.decisions.length = 0;
  });

  it('refuses a document the server cannot even parse with graphql_invalid, before Yoga parses it', async () => {
    const { status, body } = await postGraphQL(yoga.url, { query: '{ user(' });
    assert.equal(status, 400);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'graphql_invalid');
  });

  it('analyzes exactly as createAnalyzer(...).analyze(...) does for the same input', async () => {
    const analyzer = createAnalyzer(ANALYZER_OPTIONS);
    for (const input of COMPARISON_INPUTS) {
      yoga.decisions.length = 0;
      const { status, body } = await postGraphQL(yoga.url, { ...input });
      const direct = analyzer.analyze(input);
      assert.equal(yoga.decisions.length, 1, input.query);
      const seen = yoga.decisions[0] as Analysis;
      assert.equal(seen.ok, direct.ok, input.query);
      if (!direct.ok && !seen.ok) {
        assert.equal(seen.code, direct.code, input.query);
        assert.equal(status, direct.status, input.query);
        assert.equal(body.errors?.[0]?.extensions?.['code'], direct.code, input.query);
      } else {
        assert.deepEqual(seen, direct, input.query);
        assert.equal(status, 200, input.query);
      }
    }
  });
});

describeEveryPlugin('useGraphQLProtection on graphql-yoga', (options) => startYoga(options), withRoleIdentity);

describe('useGraphQLProtection: the generic Envelop path (onExecute) on a real Yoga server', () => {
  let yoga: Running;
  before(async () => {
    // Without onParams, Yoga parses and validates first and the plugin runs at execution, as in
    // any Envelop server that is not Yoga.
    yoga = await startYoga(withRoleIdentity, { shape: ({ onExecute, onSubscribe }) => ({ onExecute, onSubscribe }) });
  });
  after(async () => {
    await yoga.close();
  });
  beforeEach(() => {
    yoga.decisions.length = 0;
  });

  it('lets a legitimate query through', async () => {
    const { status, body } = await postGraphQL(yoga.url, { query: LEGIT_QUERY });
    assert.equal(status, 200);
    assert.equal((body.data?.['user'] as { name: string } | undefined)?.name, 'user-1');
    assert.equal(yoga.decisions.length, 1);
  });

  for (const hostile of HOSTILE_CASES) {
    it(`refuses ${hostile.name} with ${hostile.code} and HTTP ${hostile.status}`, async () => {
      const { status, body } = await postGraphQL(yoga.url, { query: hostile.query });
      assert.equal(status, hostile.status);
      assert.equal(body.errors?.[0]?.extensions?.['code'], hostile.code);
      assert.equal(body.data, undefined);
    });
  }

  it('reads the identity from the execution context (introspection for admin)', async () => {
    const { status, body } = await postGraphQL(yoga.url, { query: INTROSPECTION_QUERY }, { [ROLE_HEADER]: 'admin' });
    assert.equal(status, 200);
    assert.deepEqual(body.data, { __schema: { queryType: { name: 'Query' } } });
  });

  it('analyzes the original document text, so its analysis equals the analyzer on the same text', async () => {
    const analyzer = createAnalyzer(ANALYZER_OPTIONS);
    const { status } = await postGraphQL(yoga.url, { query: LEGIT_QUERY });
    assert.equal(status, 200);
    assert.deepEqual(yoga.decisions[0], analyzer.analyze({ query: LEGIT_QUERY }));
  });
});

describe('useGraphQLProtection on graphql-yoga: batches and failures', () => {
  it('refuses only the hostile operation of a batch', async () => {
    const yoga = await startYoga(ANALYZER_OPTIONS, { batching: true });
    try {
      const response = await fetch(yoga.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify([{ query: LEGIT_QUERY }, { query: DEPTH_BOMB }]),
      });
      const results = (await response.json()) as GraphQLErrorBody[];
      // Yoga answers a batch with one status for all operations.
      assert.equal(response.status, 200);
      assert.equal(results.length, 2);
      assert.equal((results[0]?.data?.['user'] as { id: string } | undefined)?.id, '1');
      assert.equal(results[0]?.errors, undefined);
      assert.equal(results[1]?.data, undefined);
      assert.equal(results[1]?.errors?.[0]?.extensions?.['code'], 'graphql_depth_exceeded');
      assert.equal(yoga.decisions.length, 2);
    } finally {
      await yoga.close();
    }
  });

  it('analyzes again at execution when a later plugin rewrote the checked parameters', async () => {
    // A plugin after ours swaps the checked document for a hostile one: the fast path saw only the
    // legitimate text, so the execution hook must not trust its earlier verdict.
    const rewriter: YogaPlugin = {
      onParams({ params, setParams }) {
        setParams({ ...params, query: DEPTH_BOMB });
      },
    };
    const yoga = await startYoga(ANALYZER_OPTIONS, { later: [rewriter] });
    try {
      const { status, body } = await postGraphQL(yoga.url, { query: LEGIT_QUERY });
      assert.equal(status, 400);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'graphql_depth_exceeded');
      assert.deepEqual(
        yoga.decisions.map((analysis) => analysis.ok),
        [true, false],
      );
    } finally {
      await yoga.close();
    }
  });

  it('keeps the outcome when onDecision throws', async () => {
    const yoga = await startYoga(ANALYZER_OPTIONS, {
      onDecision: () => {
        throw new Error('telemetry is down');
      },
    });
    try {
      const allowed = await postGraphQL(yoga.url, { query: LEGIT_QUERY });
      assert.equal(allowed.status, 200);
      assert.equal((allowed.body.data?.['user'] as { id: string } | undefined)?.id, '1');
      const refused = await postGraphQL(yoga.url, { query: DEPTH_BOMB });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.errors?.[0]?.extensions?.['code'], 'graphql_depth_exceeded');
    } finally {
      await yoga.close();
    }
  });
});

describe('useGraphQLProtection options', () => {
  const refusesAt = (path: RegExp) => (error: unknown) =>
    error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && path.test(error.message);

  it('refuses its own options when they have the wrong type, naming the path', () => {
    assert.throws(() => useGraphQLProtection({ exposeDetails: 'yes' as unknown as boolean }), refusesAt(/useGraphQLProtection\.exposeDetails/));
    assert.throws(
      () => useGraphQLProtection({ identity: 'header' as unknown as () => undefined }),
      refusesAt(/useGraphQLProtection\.identity/),
    );
    assert.throws(
      () => useGraphQLProtection({ onDecision: 42 as unknown as () => void }),
      refusesAt(/useGraphQLProtection\.onDecision/),
    );
  });

  it('hands analyzer options to the analyzer, which refuses unknown keys under the plugin path', () => {
    assert.throws(
      () => useGraphQLProtection({ limts: { depth: 3 } } as unknown as ProtectionOptions),
      refusesAt(/useGraphQLProtection\.limts/),
    );
  });
});
