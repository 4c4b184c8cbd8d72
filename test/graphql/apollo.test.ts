// apolloProtection on a real Apollo Server 5 (standalone HTTP server on loopback, real fetch).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { FirewallError } from '@portcullis/core';
import { apolloProtection, createAnalyzer, type Analysis } from '@portcullis/graphql';
import {
  ANALYZER_OPTIONS,
  COMPARISON_INPUTS,
  DEPTH_BOMB,
  LEGIT_QUERY,
  RESOLVERS,
  ROLE_HEADER,
  TYPE_DEFS,
  identityForRole,
  postGraphQL,
  sha256Hex,
  type GraphQLErrorBody,
} from './plugin-fixtures.js';
import { describeEveryPlugin } from './plugin-suite.js';

/** What the test server's `context` function builds from the HTTP request. */
interface TestContext {
  readonly role: string | undefined;
}

interface Running {
  readonly url: string;
  readonly decisions: Analysis[];
  close(): Promise<void>;
}

type ProtectionOptions = NonNullable<Parameters<typeof apolloProtection<TestContext>>[0]>;

const ignore = (): void => {};
const SILENT_LOGGER = { debug: ignore, info: ignore, warn: ignore, error: ignore };

async function startApollo(options: ProtectionOptions, settings: { batching?: boolean } = {}): Promise<Running> {
  const decisions: Analysis[] = [];
  const apollo = new ApolloServer<TestContext>({
    typeDefs: TYPE_DEFS,
    resolvers: RESOLVERS,
    plugins: [
      apolloProtection<TestContext>({
        ...options,
        onDecision: (analysis) => {
          decisions.push(analysis);
        },
      }),
    ],
    // Stack traces would add extensions unrelated to the plugin (and are off in production).
    includeStacktraceInErrorResponses: false,
    // Keeps the test output clean: Apollo logs the error of the failing-identity test.
    logger: SILENT_LOGGER,
    allowBatchedHttpRequests: settings.batching ?? false,
  });
  const { url } = await startStandaloneServer(apollo, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const role = req.headers[ROLE_HEADER];
      return { role: typeof role === 'string' ? role : undefined };
    },
  });
  return { url, decisions, close: () => apollo.stop() };
}

const withRoleIdentity: ProtectionOptions = {
  ...ANALYZER_OPTIONS,
  identity: (context) => identityForRole(context.role),
};

describe('apolloProtection on Apollo Server', () => {
  let apollo: Running;
  before(async () => {
    apollo = await startApollo(withRoleIdentity);
  });
  after(async () => {
    await apollo.close();
  });
  beforeEach(() => {
    apollo.decisions.length = 0;
  });

  it('analyzes exactly as createAnalyzer(...).analyze(...) does for the same input', async () => {
    const analyzer = createAnalyzer(ANALYZER_OPTIONS);
    for (const input of COMPARISON_INPUTS) {
      apollo.decisions.length = 0;
      const { status, body } = await postGraphQL(apollo.url, { ...input });
      const direct = analyzer.analyze(input);
      assert.equal(apollo.decisions.length, 1, input.query);
      const seen = apollo.decisions[0] as Analysis;
      if (direct.ok) {
        assert.deepEqual(seen, direct, input.query);
        assert.equal(status, 200, input.query);
        continue;
      }
      assert.equal(seen.ok, false, input.query);
      assert.equal(seen.ok ? undefined : seen.code, direct.code, input.query);
      const apolloCode = body.errors?.[0]?.extensions?.['code'];
      if (apolloCode === 'GRAPHQL_PARSE_FAILED' || apolloCode === 'GRAPHQL_VALIDATION_FAILED' || apolloCode === 'OPERATION_RESOLUTION_FAILURE') {
        // Apollo parses, validates and resolves the operation before the first hook that can
        // answer with a status (didResolveOperation); such documents get Apollo's own 400.
        assert.equal(direct.code, 'graphql_invalid', input.query);
        assert.equal(status, 400, input.query);
      } else {
        assert.equal(apolloCode, direct.code, input.query);
        assert.equal(status, direct.status, input.query);
      }
    }
  });
});

describeEveryPlugin('apolloProtection on Apollo Server', (options) => startApollo(options), withRoleIdentity);

describe('apolloProtection: persisted queries (APQ)', () => {
  let apollo: Running;
  before(async () => {
    apollo = await startApollo({
      ...ANALYZER_OPTIONS,
      trustedDocuments: { sha256: [sha256Hex(LEGIT_QUERY)], mode: 'enforce' },
    });
  });
  after(async () => {
    await apollo.close();
  });

  it('runs a trusted document sent with the persisted-query extension (APQ) as well', async () => {
    const hash = sha256Hex(LEGIT_QUERY);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    // The first request registers the text with Apollo's APQ cache; the second sends the hash only.
    const registered = await postGraphQL(apollo.url, { query: LEGIT_QUERY, extensions });
    assert.equal(registered.status, 200);
    const byHash = await postGraphQL(apollo.url, { extensions });
    assert.equal(byHash.status, 200);
    assert.equal((byHash.body.data?.['user'] as { id: string } | undefined)?.id, '1');
  });
});

describe('apolloProtection: failures and batches', () => {
  it('refuses only the hostile operation of a batch', async () => {
    const apollo = await startApollo(ANALYZER_OPTIONS, { batching: true });
    try {
      const response = await fetch(apollo.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify([{ query: LEGIT_QUERY }, { query: DEPTH_BOMB }]),
      });
      const results = (await response.json()) as GraphQLErrorBody[];
      // Apollo answers a batch with one status, the refusal's.
      assert.equal(response.status, 400);
      assert.equal(results.length, 2);
      assert.equal((results[0]?.data?.['user'] as { id: string } | undefined)?.id, '1');
      assert.equal(results[0]?.errors, undefined);
      assert.equal(results[1]?.data, undefined);
      assert.equal(results[1]?.errors?.[0]?.extensions?.['code'], 'graphql_depth_exceeded');
      assert.equal(apollo.decisions.length, 2);
    } finally {
      await apollo.close();
    }
  });
});

describe('apolloProtection options', () => {
  const refusesAt = (path: RegExp) => (error: unknown) =>
    error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && path.test(error.message);

  it('refuses its own options when they have the wrong type, naming the path', () => {
    assert.throws(() => apolloProtection({ exposeDetails: 1 as unknown as boolean }), refusesAt(/apolloProtection\.exposeDetails/));
    assert.throws(() => apolloProtection({ identity: {} as unknown as () => undefined }), refusesAt(/apolloProtection\.identity/));
  });

  it('hands analyzer options to the analyzer, which refuses unknown keys under the plugin path', () => {
    assert.throws(
      () => apolloProtection({ introspektion: 'allow' } as unknown as ProtectionOptions),
      refusesAt(/apolloProtection\.introspektion/),
    );
  });
});
