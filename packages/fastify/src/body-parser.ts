import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readNodeStream, type BodySource, type NodeReadableLike, type PendingDecision, type ReadResult } from '@portcullis/core';

/**
 * What our content-type parser hands Fastify as `request.body`: the outcome of reading the body
 * with the firewall's cap. `preValidation` gives it to the engine and replaces it with the parsed
 * value. `result` is undefined when the request had no pending decision (a bug: fail closed).
 */
export class PortcullisBody {
  constructor(readonly result: ReadResult | undefined) {}
}

/** The media types whose Fastify parsers are replaced: Portcullis reads and parses these itself. */
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const TEXT_TYPE = 'text/plain';
/** RFC 6839 structured syntax suffix (`application/problem+json`, `application/vnd.api+json`...). */
const JSON_SUFFIX = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]*\+json\s*(?:;|$)/i;

/**
 * Fastify's own limit must never answer first (it would render its own error format, and it
 * applies only to parsers that buffer): the cap is the firewall's, enforced while streaming.
 */
const NO_FASTIFY_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Replaces Fastify's parsers for JSON, `+json`, form and plain text with one that reads the raw
 * payload under the firewall's byte cap and read timeout. It never calls `done(error)`: Fastify
 * would answer with its own error body; every failure is the engine's to decide in preValidation.
 */
export function installBodyParser(fastify: FastifyInstance, pendingOf: (request: FastifyRequest) => PendingDecision | undefined): void {
  // `payload` is the request stream, or the stream a preParsing hook put in its place.
  const parse = (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void): void => {
    const pending = pendingOf(request);
    if (pending === undefined) {
      done(null, new PortcullisBody(undefined));
      return;
    }
    // readNodeStream never rejects; the catch only guards against a broken stream object.
    readNodeStream(payload as NodeReadableLike, pending.bodyLimit, pending.bodyTimeoutMs).then(
      (result) => done(null, new PortcullisBody(result)),
      () => done(null, new PortcullisBody({ kind: 'aborted' })),
    );
  };
  for (const type of [JSON_TYPE, FORM_TYPE, TEXT_TYPE, JSON_SUFFIX]) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    fastify.addContentTypeParser(type, { bodyLimit: NO_FASTIFY_LIMIT }, parse);
  }
  // Any other media type (or none) is left unread for the application, as on every adapter,
  // instead of Fastify's 415 before the body stage: the firewall decides (and reports) on every
  // request. A catch-all parser the application adds after Portcullis replaces this one (Fastify
  // keeps the last `*` parser), and parsers for specific media types take precedence over it.
  fastify.addContentTypeParser('*', { bodyLimit: NO_FASTIFY_LIMIT }, (_request: FastifyRequest, _payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void) => {
    done(null, undefined);
  });
}

/** A value the engine's JSON walk is meant for (a parser's Buffer or class instance is not). */
function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Where the engine gets this request's body from, as Fastify left it before preValidation:
 * - our parser ran: the bytes it read;
 * - another parser (the application's, for another media type) produced plain data: that very
 *   object, which the engine validates;
 * - a parser produced something opaque (a Buffer, a stream wrapper): nothing the engine can inspect;
 * - no parser ran (Fastify parses no body for GET/HEAD, for instance): the raw stream, which the
 *   engine reads itself with its cap when the request announces a body.
 */
export function bodySourceOf(request: FastifyRequest): BodySource | 'unavailable' {
  const body: unknown = request.body;
  if (body instanceof PortcullisBody) return body.result === undefined ? 'unavailable' : { kind: 'read', result: body.result };
  if (body === undefined || body === null) return { kind: 'node-stream', stream: request.raw };
  return isPlainData(body) ? { kind: 'parsed', value: body } : { kind: 'none' };
}
