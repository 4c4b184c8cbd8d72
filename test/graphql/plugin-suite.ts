/**
 * What every server plugin must do, whichever server it runs in: the hostile cases refused in the
 * GraphQL error format with the right status and nothing revealed, introspection by role, limits
 * only with exposeDetails, trusted documents. Each plugin's test file runs this suite on its real
 * server and adds what is particular to that server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis, AnalyzerOptions } from '@portcullis/graphql';
import { ANALYZER_OPTIONS, DEPTH_BOMB, HOSTILE_CASES, INTROSPECTION_QUERY, LEGIT_QUERY, ROLE_HEADER, postGraphQL, sha256Hex } from './plugin-fixtures.js';

export interface ProtectedServer {
  readonly url: string;
  readonly decisions: Analysis[];
  close(): Promise<void>;
}

/** Starts the plugin's real server with these plugin options. */
export type StartProtectedServer<Options> = (options: Options) => Promise<ProtectedServer>;

export function describeEveryPlugin<Options extends AnalyzerOptions & { exposeDetails?: boolean }>(
  label: string,
  start: StartProtectedServer<Options>,
  /** The plugin options with an identity read from the role header. */
  withRoleIdentity: Options,
): void {
  describe(`${label}: legitimate and refused queries`, () => {
    let server: ProtectedServer;
    before(async () => {
      server = await start(withRoleIdentity);
    });
    after(() => server.close());

    it('lets a legitimate query through and returns its data, analyzing it once', async () => {
      const { status, body } = await postGraphQL(server.url, { query: LEGIT_QUERY });
      assert.equal(status, 200);
      assert.equal(body.errors, undefined);
      assert.deepEqual(body.data, { user: { id: '1', name: 'user-1', friends: [{ name: 'user-2' }, { name: 'user-3' }] } });
      // A plugin with several hooks (Yoga's fast path, then execution) must recognise a request it already checked.
      assert.equal(server.decisions.length, 1);
      assert.equal(server.decisions[0]?.ok, true);
    });

    for (const hostile of HOSTILE_CASES) {
      it(`refuses ${hostile.name} with ${hostile.code} and HTTP ${hostile.status}, in the GraphQL error format`, async () => {
        const { status, body } = await postGraphQL(server.url, { query: hostile.query });
        assert.equal(status, hostile.status);
        assert.equal(body.data, undefined);
        assert.equal(body.errors?.length, 1);
        assert.equal(body.errors?.[0]?.extensions?.['code'], hostile.code);
        // No limit, count or transport detail (`http`) leaks by default.
        assert.deepEqual(Object.keys(body.errors?.[0]?.extensions ?? {}), ['code']);
        assert.doesNotMatch(body.errors?.[0]?.message ?? '', /\d/);
      });
    }

    it('allows introspection to a caller whose identity has an allowed role', async () => {
      const { status, body } = await postGraphQL(server.url, { query: INTROSPECTION_QUERY }, { [ROLE_HEADER]: 'admin' });
      assert.equal(status, 200);
      assert.deepEqual(body.data, { __schema: { queryType: { name: 'Query' } } });
    });

    it('still refuses introspection to a caller with another role', async () => {
      const { status, body } = await postGraphQL(server.url, { query: INTROSPECTION_QUERY }, { [ROLE_HEADER]: 'viewer' });
      assert.equal(status, 403);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'graphql_introspection_refused');
    });
  });

  describe(`${label}: a failing identity resolver`, () => {
    it('fails closed, without echoing the error', async () => {
      const server = await start({
        ...ANALYZER_OPTIONS,
        identity: () => {
          throw new Error('identity-store-password=hunter2');
        },
      } as unknown as Options);
      try {
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: LEGIT_QUERY }),
        });
        const text = await response.text();
        assert.equal(response.status, 500);
        assert.doesNotMatch(text, /hunter2/);
        assert.doesNotMatch(text, /user-1/);
        assert.equal(server.decisions.length, 0);
      } finally {
        await server.close();
      }
    });
  });

  describe(`${label}: exposeDetails`, () => {
    let server: ProtectedServer;
    before(async () => {
      server = await start({ ...ANALYZER_OPTIONS, exposeDetails: true } as Options);
    });
    after(() => server.close());

    it('adds the crossed limit to the refusal only when exposeDetails is on', async () => {
      const { status, body } = await postGraphQL(server.url, { query: DEPTH_BOMB });
      assert.equal(status, 400);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'graphql_depth_exceeded');
      assert.equal(body.errors?.[0]?.extensions?.['limit'], 5);
    });
  });

  describe(`${label}: trusted documents`, () => {
    let server: ProtectedServer;
    before(async () => {
      server = await start({ ...ANALYZER_OPTIONS, trustedDocuments: { sha256: [sha256Hex(LEGIT_QUERY)], mode: 'enforce' } } as Options);
    });
    after(() => server.close());

    it('runs a trusted document', async () => {
      const { status, body } = await postGraphQL(server.url, { query: LEGIT_QUERY });
      assert.equal(status, 200);
      assert.equal(body.errors, undefined);
      assert.equal((body.data?.['user'] as { id: string } | undefined)?.id, '1');
    });

    it('refuses a document that is not in the list with graphql_document_not_trusted 403', async () => {
      const { status, body } = await postGraphQL(server.url, { query: '{ hello }' });
      assert.equal(status, 403);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'graphql_document_not_trusted');
      assert.equal(body.data, undefined);
    });
  });
}
