import { tlsPeerReader, type BodySource, type RequestInit } from '@portcullis/core';
import type { ParameterizedContext } from 'koa';
import { requestBodyOf } from './request-body.js';

function bodySourceOf(ctx: ParameterizedContext): BodySource {
  const parsed = requestBodyOf(ctx).body;
  // A body parser that ran before Portcullis consumed the stream; its object is what the handler
  // will get, so that object is what Portcullis validates.
  if (parsed !== undefined) return { kind: 'parsed', value: parsed };
  return { kind: 'node-stream', stream: ctx.req };
}

/** Translates a Koa context into core's input: the raw target, raw headers and socket. */
export function toRequestInit(ctx: ParameterizedContext): RequestInit {
  const req = ctx.req;
  const tls = tlsPeerReader(req.socket);
  return {
    method: req.method ?? '',
    // `ctx.originalUrl` is Node's `req.url` as received, captured when Koa created the context.
    // `ctx.req.url` itself is rewritten by setting `ctx.path`/`ctx.url` (koa-mount does so).
    target: typeof ctx.originalUrl === 'string' ? ctx.originalUrl : (req.url ?? ''),
    headers: req.rawHeaders,
    remoteAddress: req.socket.remoteAddress,
    ...(tls === undefined ? {} : { tls }),
    body: bodySourceOf(ctx),
  };
}
