/**
 * Test support (not a test file): a real OpenID Provider (panva's oidc-provider) on loopback, for
 * the JWT/JWKS and token-introspection guards' end-to-end tests.
 *
 * What it issues:
 * - `client_credentials` tokens for the client `RIG_CLIENT` (client_secret_basic, scopes
 *   `orders:read orders:write`);
 * - for `resource: JWT_RESOURCE`, a JWT access token (RFC 9068) signed by the provider's own keys
 *   (the first key of the configured set whose `alg` matches), with `aud` = the resource;
 * - for `resource: OPAQUE_RESOURCE`, an opaque token with `aud` = that resource; with no resource, an
 *   opaque token without `aud`. Opaque tokens are checked at the introspection endpoint, where the
 *   resource-server client `RIG_RESOURCE_SERVER` authenticates with client_secret_basic.
 *
 * oidc-provider quirks met here (v9):
 * - The issuer must be the exact URL the provider is reached at (its discovery, `iss` claims and
 *   introspection answers use it), so the port is chosen first (listen on 0) and kept across
 *   `restart()`/`rotate()`, which re-listen on the same port: the issuer and every URL stay stable.
 * - An `http:` issuer is accepted (the constructor only requires a web URI); nothing here needs
 *   `proxy` or TLS because every request is made to 127.0.0.1 directly.
 * - Every default the library wants changed for production (`ttl.*`, `clientBasedCORS`,
 *   `features.introspection.allowedPolicy`, `resourceIndicators.getResourceServerInfo`, the
 *   in-memory adapter) prints a NOTICE/WARNING to the console the first time it is used. The rig
 *   sets each of them, and brings its own adapter, so that test output stays quiet.
 * - Importing the package on Node 20 prints "Unsupported runtime" (it asks for Node 22 LTS); the
 *   parts used here run on Node 20.19, so that one line is filtered while the module loads.
 * - Client metadata defaults to `id_token_signed_response_alg: RS256`; with only ES256 keys every
 *   client is refused (`invalid_client_metadata`) until `clientDefaults` names the keys' algorithm.
 * - Resource indicators: `client_credentials` accepts one `resource` at most, and the token's scope
 *   is narrowed to the resource server's `scope`. `defaultResource` returns undefined so a request
 *   without `resource` gets an opaque token with no audience.
 * - The token store (the adapter) belongs to the rig, not to a provider instance: a token issued
 *   before `stop()`/`rotate()` still introspects after `restart()`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Provider, errors as ProviderErrors } from 'oidc-provider';

export interface ClientSecret {
  readonly id: string;
  readonly secret: string;
}

/** The client that asks for tokens (client_credentials). */
export const RIG_CLIENT: ClientSecret = Object.freeze({ id: 'orders-client', secret: 'orders-client-secret-0123456789' });
/**
 * The resource server that introspects tokens. Its secret holds characters that RFC 6749 §2.3.1
 * form-encoding changes (space, `+`, `:`, `%`), so a client that skips that encoding is refused.
 */
export const RIG_RESOURCE_SERVER: ClientSecret = Object.freeze({ id: 'orders-api', secret: 'rs secret+with:colon%and more' });
/** Tokens for this resource are JWTs. */
export const JWT_RESOURCE = 'https://api.example';
/** Tokens for this resource are opaque (introspection only). */
export const OPAQUE_RESOURCE = 'https://opaque.example';
export const RIG_SCOPES = ['orders:read', 'orders:write'] as const;

export interface OidcRigOptions {
  /** Private signing JWKs, each with `kid` and `alg`. Default: one new ES256 key. */
  readonly signingKeys?: readonly JWK[];
  /** Lifetime of issued access tokens. Default 300 s. */
  readonly accessTokenTtlSeconds?: number;
}

export interface OidcRig {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenUrl: string;
  readonly introspectionUrl: string;
  /** Whether the provider is listening now. */
  readonly running: boolean;
  /** Errors the provider reported as `server_error` (a test can assert there were none). */
  readonly serverErrors: readonly string[];
  /** A client_credentials access token for RIG_CLIENT. Throws (with the OAuth error code) when refused. */
  clientCredentials(request: { readonly scope: string; readonly resource?: string }): Promise<string>;
  /** Restarts with another key set (private JWKs) on the same port. */
  rotate(newPrivateJwks: readonly JWK[]): Promise<void>;
  /** Stops listening (connections refused) but keeps the port, keys and issued tokens. */
  stop(): Promise<void>;
  /** Listens again on the same port with the current keys. */
  restart(): Promise<void>;
  /** Stops for good. Idempotent. */
  close(): Promise<void>;
}

/** A private signing JWK for the rig, with `kid`, `alg` and `use`. */
export async function generateSigningKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

interface ProviderModule {
  readonly Provider: typeof Provider;
  readonly errors: typeof ProviderErrors;
}

let providerModule: Promise<ProviderModule> | undefined;

/** Loads oidc-provider once, without its "Unsupported runtime" line on Node 20 (see above). */
function loadProvider(): Promise<ProviderModule> {
  providerModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn(...args);
    };
    try {
      const loaded = await import('oidc-provider');
      return { Provider: loaded.Provider, errors: loaded.errors };
    } finally {
      console.warn = warn;
    }
  })();
  return providerModule;
}

const MAX_STORED = 10_000;

interface Stored {
  payload: Record<string, unknown>;
  readonly expiresAt: number;
}

/**
 * A bounded in-memory adapter (oidc-provider's storage interface) over a Map the rig owns, so
 * issued tokens outlive a provider restart. Expired entries vanish when read.
 */
function adapterOver(storage: Map<string, Stored>) {
  const live = (key: string): Stored | undefined => {
    const entry = storage.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      storage.delete(key);
      return undefined;
    }
    return entry;
  };
  return class RigAdapter {
    readonly #model: string;
    constructor(model: string) {
      this.#model = model;
    }
    #key(id: string): string {
      return `${this.#model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number | undefined): Promise<void> {
      const key = this.#key(id);
      storage.delete(key);
      if (storage.size >= MAX_STORED) {
        const oldest = storage.keys().next();
        if (oldest.done !== true) storage.delete(oldest.value);
      }
      storage.set(key, { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY });
    }
    async find(id: string): Promise<Record<string, unknown> | undefined> {
      return live(this.#key(id))?.payload;
    }
    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      return this.#findWhere((p) => p['uid'] === uid);
    }
    async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
      return this.#findWhere((p) => p['userCode'] === userCode);
    }
    async consume(id: string): Promise<void> {
      const entry = live(this.#key(id));
      if (entry !== undefined) entry.payload = { ...entry.payload, consumed: Math.floor(Date.now() / 1000) };
    }
    async destroy(id: string): Promise<void> {
      storage.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of storage) if (entry.payload['grantId'] === grantId) storage.delete(key);
    }
    #findWhere(test: (payload: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
      const prefix = `${this.#model}:`;
      for (const [key, entry] of storage) if (key.startsWith(prefix) && test(entry.payload) && live(key) !== undefined) return entry.payload;
      return undefined;
    }
  };
}

function configuration(errors: typeof ProviderErrors, keys: readonly JWK[], ttlSeconds: number, storage: Map<string, Stored>): Record<string, unknown> {
  const alg = keys[0]?.alg ?? 'ES256';
  const resourceServers = new Map<string, Record<string, unknown>>([
    [JWT_RESOURCE, { scope: RIG_SCOPES.join(' '), audience: JWT_RESOURCE, accessTokenTTL: ttlSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg } } }],
    [OPAQUE_RESOURCE, { scope: RIG_SCOPES.join(' '), audience: OPAQUE_RESOURCE, accessTokenTTL: ttlSeconds, accessTokenFormat: 'opaque' }],
  ]);
  return {
    adapter: adapterOver(storage),
    jwks: { keys: keys.map((k) => ({ ...k })) },
    clients: [
      {
        client_id: RIG_CLIENT.id,
        client_secret: RIG_CLIENT.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: RIG_SCOPES.join(' '),
      },
      {
        client_id: RIG_RESOURCE_SERVER.id,
        client_secret: RIG_RESOURCE_SERVER.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['openid', ...RIG_SCOPES],
    // Client metadata defaults to RS256 ID tokens, and a client whose algorithm has no key in the
    // key set is refused as invalid_client_metadata: follow the first key's algorithm.
    clientDefaults: { id_token_signed_response_alg: alg },
    routes: { token: '/token', jwks: '/jwks', introspection: '/token/introspection' },
    // Nothing here is called from a browser; and setting it silences the library's notice.
    clientBasedCORS: () => false,
    ttl: { AccessToken: ttlSeconds, ClientCredentials: ttlSeconds },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Only the resource server may introspect (the default lets any authenticated client).
      introspection: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }) => client.clientId === RIG_RESOURCE_SERVER.id },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf: string | undefined) => oneOf,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          const info = resourceServers.get(resource);
          // invalid_target (400), as the library's own default does; a plain throw would be a 500.
          if (info === undefined) throw new errors.InvalidTarget();
          return info;
        },
      },
    },
  };
}

/** Starts the provider on 127.0.0.1 (a free port), quiet and bounded. Close it with `close()`. */
export async function startOidcProvider(options: OidcRigOptions = {}): Promise<OidcRig> {
  const { Provider, errors } = await loadProvider();
  let keys: readonly JWK[] = options.signingKeys ?? [await generateSigningKey('rig-key-1')];
  const ttlSeconds = options.accessTokenTtlSeconds ?? 300;
  const storage = new Map<string, Stored>();
  const serverErrors: string[] = [];
  let port = 0;
  let server: Server | undefined;
  let closed = false;

  const listen = async (): Promise<void> => {
    // The issuer must be known before the provider is built, and on the first start the port is
    // not: listen first (port 0, then the same port again), build the provider, then attach it.
    const candidate = createServer();
    await new Promise<void>((resolve, reject) => {
      candidate.once('error', reject);
      candidate.listen(port, '127.0.0.1', () => resolve());
    });
    port = (candidate.address() as AddressInfo).port;
    const provider = new Provider(`http://127.0.0.1:${port}`, configuration(errors, keys, ttlSeconds, storage));
    provider.silent = true;
    provider.on('server_error', (_ctx: unknown, error: unknown) => {
      serverErrors.push(error instanceof Error ? error.message : String(error));
    });
    candidate.on('request', provider.callback());
    server = candidate;
  };

  const stop = async (): Promise<void> => {
    const running = server;
    if (running === undefined) return;
    server = undefined;
    await new Promise<void>((resolve) => {
      running.close(() => resolve());
      running.closeAllConnections();
    });
    // The clients (fetch's connection pool) live in this process too: let them see the closed
    // keep-alive sockets before anything else runs, or the next POST may be written to a socket
    // that is already gone ("other side closed"; fetch does not retry a POST).
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  await listen();
  const issuer = `http://127.0.0.1:${port}`;
  const tokenUrl = `${issuer}/token`;

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenUrl,
    introspectionUrl: `${issuer}/token/introspection`,
    get running() {
      return server !== undefined;
    },
    serverErrors,
    async clientCredentials({ scope, resource }) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', scope });
      if (resource !== undefined) body.set('resource', resource);
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { authorization: basicAuthorization(RIG_CLIENT), 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200 || typeof json['access_token'] !== 'string') {
        throw new Error(`token endpoint refused: ${response.status} ${String(json['error'])} (${String(json['error_description'])})`);
      }
      return json['access_token'];
    },
    async rotate(newPrivateJwks) {
      if (closed) throw new Error('the rig is closed');
      keys = [...newPrivateJwks];
      await stop();
      await listen();
    },
    stop,
    async restart() {
      if (closed) throw new Error('the rig is closed');
      await stop();
      await listen();
    },
    async close() {
      closed = true;
      await stop();
      storage.clear();
    },
  };
}

/** client_secret_basic: id and secret form-encoded (RFC 6749 §2.3.1), then Base64. */
export function basicAuthorization(client: ClientSecret): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(client.id)}:${encode(client.secret)}`).toString('base64')}`;
}
