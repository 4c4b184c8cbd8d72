import { bodyFormatOf, isUtf8Charset, parseMediaType } from '../body/content-type.js';
import { hasDuplicateKey, inspectJson, type JsonProblem } from '../body/json.js';
import type { ParsedBody } from '../body/parsed-body.js';
import { readNodeStream, readWebStream, type BodySource, type ReadResult } from '../body/read-body.js';
import type { RequestHeaders } from '../request/headers.js';
import type { FirewallRequest, TlsPeer } from '../request/firewall-request.js';
import { parseQuery, type QueryParams } from '../request/query.js';
import type { ResolvedLimits } from '../guards/request-limits.js';

export interface BodyOptions {
  /** Refuse bodies that are not valid UTF-8 (JSON, form, text). Default true. */
  readonly strictUtf8: boolean;
  /** Refuse JSON objects with a repeated key. Default false (it costs a second scan). */
  readonly rejectDuplicateKeys: boolean;
}

export type BodyProblem =
  | JsonProblem
  | 'body_too_large'
  | 'body_incomplete'
  | 'body_invalid_utf8'
  | 'form_invalid'
  | 'unsupported_media_type'
  | 'content_encoding_unsupported'
  | 'request_timeout';

export type BodyLoad = { readonly ok: true; readonly body: ParsedBody } | { readonly ok: false; readonly problem: BodyProblem };

const EMPTY_QUERY: QueryParams = new Map();
const NO_BODY: ParsedBody = Object.freeze({ kind: 'none' });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** The engine's FirewallRequest: lazily computed views over what the adapter passed. */
export class EngineRequest implements FirewallRequest {
  readonly method: string;
  readonly target: string;
  readonly path: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: RequestHeaders;
  readonly clientIp: string | undefined;
  readonly remoteAddress: string | undefined;
  params: Readonly<Record<string, string>> = {};
  bodySource: BodySource;
  readonly #tls: (() => TlsPeer | undefined) | undefined;
  #query: QueryParams | undefined;
  #cookies: ReadonlyMap<string, string> | undefined;
  #body: BodyLoad | undefined;

  constructor(init: {
    method: string;
    target: string;
    path: string;
    rawPath: string;
    rawQuery: string;
    query: QueryParams | undefined;
    headers: RequestHeaders;
    clientIp: string | undefined;
    remoteAddress: string | undefined;
    tls: (() => TlsPeer | undefined) | undefined;
    body: BodySource;
  }) {
    this.method = init.method;
    this.target = init.target;
    this.path = init.path;
    this.rawPath = init.rawPath;
    this.rawQuery = init.rawQuery;
    this.#query = init.query;
    this.headers = init.headers;
    this.clientIp = init.clientIp;
    this.remoteAddress = init.remoteAddress;
    this.#tls = init.tls;
    this.bodySource = init.body;
  }

  get query(): QueryParams {
    if (this.#query === undefined) this.#query = this.rawQuery === '' ? EMPTY_QUERY : (parseQuery(this.rawQuery) ?? EMPTY_QUERY);
    return this.#query;
  }

  get cookies(): ReadonlyMap<string, string> {
    if (this.#cookies === undefined) {
      const cookies = new Map<string, string>();
      const header = this.headers.get('cookie');
      if (header !== undefined) {
        for (const part of header.split(';')) {
          const eq = part.indexOf('=');
          if (eq <= 0) continue;
          const name = part.slice(0, eq).trim();
          if (name === '') continue; // ` =x`: a nameless cookie, as `=x` is
          let value = part.slice(eq + 1).trim();
          if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
          if (!cookies.has(name)) cookies.set(name, value);
        }
      }
      this.#cookies = cookies;
    }
    return this.#cookies;
  }

  #contentLength: number | undefined | null = null;

  /** The declared Content-Length; undefined when absent or not a single plain number. */
  get contentLength(): number | undefined {
    if (this.#contentLength === null) {
      const value = this.headers.get('content-length');
      this.#contentLength = value === undefined || !/^\d{1,15}$/.test(value) ? undefined : Number(value);
    }
    return this.#contentLength;
  }

  /** True when the request announces a body (a non-zero Content-Length or any Transfer-Encoding). */
  get hasBody(): boolean {
    if (this.headers.has('transfer-encoding')) return true;
    const length = this.contentLength;
    return length !== undefined && length > 0;
  }

  /** False when there is certainly nothing to read or validate (the common GET): the body guard then stays synchronous. */
  get mayHaveBody(): boolean {
    const kind = this.bodySource.kind;
    if (kind === 'read') return true;
    if (kind === 'parsed') return (this.bodySource as { value: unknown }).value !== undefined;
    // A Web stream exists only when the runtime says there is a body; over HTTP/2 and on fetch
    // runtimes a body may come without Content-Length or Transfer-Encoding, and must not slip past.
    if (kind === 'web-stream') return true;
    return kind !== 'none' && this.hasBody;
  }

  tls(): TlsPeer | undefined {
    try {
      return this.#tls?.();
    } catch {
      return undefined;
    }
  }

  async body(): Promise<ParsedBody> {
    const load = this.#body;
    return load !== undefined && load.ok ? load.body : NO_BODY;
  }

  /** The result of `loadBody`, once it ran. */
  get loadedBody(): BodyLoad | undefined {
    return this.#body;
  }

  /** Reads and parses the body once, with the cap; called by the body guard. */
  async loadBody(limits: ResolvedLimits, options: BodyOptions, monitor: boolean): Promise<BodyLoad> {
    if (this.#body === undefined) this.#body = await this.#load(limits, options, monitor);
    return this.#body;
  }

  async #load(limits: ResolvedLimits, options: BodyOptions, monitor: boolean): Promise<BodyLoad> {
    const source = this.bodySource;
    if (source.kind === 'parsed') {
      if (source.value === undefined) return { ok: true, body: NO_BODY };
      const problem = inspectJson(source.value, { maxDepth: limits.jsonDepth, maxKeys: limits.jsonKeys, maxArrayLength: limits.jsonArrayLength });
      return problem === undefined ? { ok: true, body: { kind: 'framework', value: source.value } } : { ok: false, problem };
    }
    if (source.kind === 'none' || (source.kind === 'node-stream' && !this.hasBody)) return { ok: true, body: NO_BODY };
    const contentType = this.headers.get('content-type');
    const media = contentType === undefined ? undefined : parseMediaType(contentType);
    if (contentType !== undefined && media === undefined) return { ok: false, problem: 'unsupported_media_type' };
    const format = media === undefined ? 'other' : bodyFormatOf(media);
    if (format === 'other') return { ok: true, body: { kind: 'unread', mediaType: media?.essence ?? '' } };
    if (media !== undefined && !isUtf8Charset(media.charset)) return { ok: false, problem: 'unsupported_media_type' };
    const encoding = this.headers.get('content-encoding');
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return { ok: false, problem: 'content_encoding_unsupported' };
    // In monitor mode a declared oversize body is left unread (the application reads it itself),
    // since reporting it must not change what the handler receives.
    const declared = this.contentLength;
    if (monitor && declared !== undefined && declared > limits.bodyBytes) {
      return { ok: true, body: { kind: 'unread', mediaType: media?.essence ?? '' } };
    }
    const read = await this.#read(source, limits);
    if (read.kind === 'too-large') return { ok: false, problem: 'body_too_large' };
    if (read.kind === 'aborted') return { ok: false, problem: 'body_incomplete' };
    if (read.kind === 'timeout') return { ok: false, problem: 'request_timeout' };
    const bytes = read.bytes;
    if (bytes.byteLength === 0) return { ok: true, body: NO_BODY };
    let text: string;
    try {
      text = (options.strictUtf8 ? utf8Strict : utf8Lenient).decode(bytes);
    } catch {
      return { ok: false, problem: 'body_invalid_utf8' };
    }
    if (format === 'text') return { ok: true, body: { kind: 'text', value: text, raw: bytes } };
    if (format === 'form') {
      const params = parseQuery(text);
      if (params === undefined) return { ok: false, problem: 'form_invalid' };
      if (params.size > limits.jsonKeys) return { ok: false, problem: 'json_too_many_keys' };
      const value: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
      for (const [name, values] of params) value[name] = values.length === 1 ? (values[0] as string) : [...values];
      return { ok: true, body: { kind: 'form', value, raw: bytes } };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, problem: 'json_invalid' };
    }
    const problem = inspectJson(value, { maxDepth: limits.jsonDepth, maxKeys: limits.jsonKeys, maxArrayLength: limits.jsonArrayLength });
    if (problem !== undefined) return { ok: false, problem };
    if (options.rejectDuplicateKeys && hasDuplicateKey(text)) return { ok: false, problem: 'json_duplicate_key' };
    return { ok: true, body: { kind: 'json', value, raw: bytes } };
  }

  #read(source: BodySource, limits: ResolvedLimits): Promise<ReadResult> {
    switch (source.kind) {
      case 'read':
        return Promise.resolve(source.result);
      case 'node-stream':
        return readNodeStream(source.stream, limits.bodyBytes, limits.bodyTimeoutMs);
      case 'web-stream':
        return readWebStream(source.stream, limits.bodyBytes, limits.bodyTimeoutMs);
      default:
        return Promise.resolve({ kind: 'ok', bytes: new Uint8Array(0) });
    }
  }
}
