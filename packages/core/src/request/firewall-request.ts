import type { BodySource } from '../body/read-body.js';
import type { ParsedBody } from '../body/parsed-body.js';
import type { RequestHeaders } from './headers.js';
import type { QueryParams } from './query.js';

/** The peer certificate, when the adapter has a TLS socket. */
export interface TlsPeer {
  /** Whether the TLS stack verified the chain against the server's CA list. */
  readonly authorized: boolean;
  readonly subject?: Readonly<Record<string, string>>;
  /** e.g. `DNS:client.example, URI:spiffe://...` as Node reports it. */
  readonly subjectAltName?: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex as Node reports it. */
  readonly fingerprint256?: string;
}

/** What an adapter passes to the engine: the native request, untranslated. */
export interface RequestInit {
  readonly method: string;
  /** The raw request-target as received on the wire (Node's `req.url`), not a framework's rewrite. */
  readonly target: string;
  /** Node's `rawHeaders` (flat name/value list) or name/value pairs (e.g. a Web `Headers`). */
  readonly headers: readonly string[] | Iterable<readonly [string, string]>;
  readonly remoteAddress: string | undefined;
  readonly tls?: () => TlsPeer | undefined;
  readonly body?: BodySource;
}

/**
 * The normalized, read-only view of a request that routing and every guard share.
 * Built by the engine; guards never see the native request.
 */
export interface FirewallRequest {
  /** Upper-case method. */
  readonly method: string;
  /** The request-target as received. Never used for decisions, only for canonical-form checks. */
  readonly target: string;
  /** The normalized, decoded path (docs/normalization.md). Routing and guards use only this. */
  readonly path: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Strictly decoded query parameters (multi-valued). */
  readonly query: QueryParams;
  readonly headers: RequestHeaders;
  /** The client address after trusted-proxy resolution; undefined when it cannot be determined. */
  readonly clientIp: string | undefined;
  /** The socket peer address. */
  readonly remoteAddress: string | undefined;
  /** Route parameters, decoded. Empty when no route matched. */
  readonly params: Readonly<Record<string, string>>;
  /** Cookies from the `Cookie` header (first value wins for a repeated name). */
  readonly cookies: ReadonlyMap<string, string>;
  readonly contentLength: number | undefined;
  tls(): TlsPeer | undefined;
  /**
   * The body, read once with the policy's byte cap and parsed by media type. Only body-phase guards
   * may call it; earlier phases run before the body is read.
   */
  body(): Promise<ParsedBody>;
}
