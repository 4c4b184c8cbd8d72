import type { FastifyReply } from 'fastify';
import {
  isRepresentationHeader,
  renderUnavailable,
  responseBodyLimit,
  runResponseBodyHooks,
  type Decision,
  type ResponseReplacement,
} from '@portcullis/core';
import { grouped, responseViewOf } from './reply.js';

const EMPTY = new Uint8Array(0);

/**
 * The bytes Fastify will write for an `onSend` payload. Only strings and Buffers are written as they
 * are; streams (Node or web), a Fetch Response, and a payload over `limit` give undefined.
 */
function heldBytes(reply: FastifyReply, payload: unknown, limit: number): Uint8Array | undefined {
  // An answer to HEAD carries no body: there is nothing to inspect or withhold.
  if (reply.request.raw.method === 'HEAD') return undefined;
  const status = reply.statusCode;
  // Node writes no body with these statuses, whatever the payload.
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return EMPTY;
  if (payload === undefined || payload === null) return EMPTY;
  if (typeof payload === 'string') return Buffer.byteLength(payload) > limit ? undefined : Buffer.from(payload, 'utf8');
  if (Buffer.isBuffer(payload)) return payload.byteLength > limit ? undefined : payload;
  return undefined;
}

/** Turns the reply into the replacement; returns the payload Fastify sends instead (its length computed by Fastify). */
function applyReplacement(reply: FastifyReply, replacement: ResponseReplacement): Buffer {
  for (const name of Object.keys(reply.getHeaders())) if (isRepresentationHeader(name)) reply.removeHeader(name);
  reply.code(replacement.status);
  for (const [name, value] of grouped(replacement.headers)) reply.header(name, value);
  // A Buffer: Fastify adds nothing to the content type (it may to a string's).
  return Buffer.from(replacement.body, 'utf8');
}

/**
 * Runs the decision's response-body hooks once, in Portcullis's `onSend` hook (after Fastify
 * serialized the payload, before the status line is written), and returns the payload to send:
 * the replacement's when a hook asked for one.
 *
 * Held: string and Buffer payloads (what `reply.send` makes of objects, strings and Buffers) up to
 * the largest `maxBytes`. Streams (Node or web), Fetch Responses, payloads over the limit and answers
 * to HEAD are not: the hooks are told `body: undefined` and the payload goes out unchanged. The
 * `onSend` hooks of the application registered before Portcullis have already run; those
 * registered after it run on the payload returned here.
 */
export function inspectPayload(reply: FastifyReply, decision: Decision, payload: unknown): unknown {
  try {
    const bytes = heldBytes(reply, payload, responseBodyLimit(decision));
    const replacement = runResponseBodyHooks(decision, responseViewOf(reply), bytes);
    if (replacement === undefined || bytes === undefined) return payload;
    return applyReplacement(reply, replacement);
  } catch {
    // A failure inside Portcullis must not send a body a hook was meant to withhold: fail closed.
    const unavailable = renderUnavailable();
    for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
    reply.code(unavailable.status);
    for (const [name, value] of grouped(unavailable.headers)) reply.header(name, value);
    return Buffer.from(unavailable.body, 'utf8');
  }
}
