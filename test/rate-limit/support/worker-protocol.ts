/**
 * The messages between the concurrency test (parent) and its worker processes (node IPC).
 *
 * One worker is one instance of a service: its own process, its own ioredis client, its own
 * firewall. Only the Redis server (and the key prefix the parent chooses) is shared.
 */

/** How one worker's firewall limits: the same in every worker of a case. */
export interface LimitSetup {
  /** Shared by every worker of a case, unique to the case: the workers count in one place. */
  readonly prefix: string;
  readonly points: number;
  readonly windowSeconds: number;
  /** Points each request costs; absent = the guard's default (1). */
  readonly cost?: number;
}

export type ParentMessage =
  /** Build a firewall for this case; answer `prepared` once it is ready. */
  | { readonly type: 'prepare'; readonly setup: LimitSetup; readonly serveHttp: boolean }
  /** Send `requests` decisions at once, all from `clientIp`; answer `burst-done`. */
  | { readonly type: 'burst'; readonly requests: number; readonly clientIp: string }
  /** Close this case's server and firewall; answer `finished` with what the handler admitted. */
  | { readonly type: 'finish' }
  /** Close everything and exit. */
  | { readonly type: 'exit' };

/** What the worker saw of one decision (taken from the Decision, not guessed). */
export interface DecisionSummary {
  readonly outcome: 'allow' | 'deny' | 'respond';
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** The `ratelimit.store` annotation, if any. */
  readonly store: string | undefined;
  /** The `ratelimit.remaining` annotation, if any. */
  readonly remaining: number | undefined;
  /** Header values of the rendered answer (lower-case names), when the firewall answered. */
  readonly retryAfter: string | undefined;
  readonly rateLimitPolicy: string | undefined;
  readonly rateLimit: string | undefined;
}

export type WorkerMessage =
  /** The process started and its Redis client connected. */
  | { readonly type: 'up' }
  | { readonly type: 'prepared'; readonly port: number | undefined }
  | { readonly type: 'burst-done'; readonly decisions: readonly DecisionSummary[]; readonly rejected: readonly string[] }
  | { readonly type: 'finished'; readonly handlerAdmitted: number; readonly diagnostics: readonly string[] }
  | { readonly type: 'failed'; readonly message: string };
