import { tlsPeerReader, type BodySource, type RequestInit } from '@portcullis/core';
import type { Request } from 'express-serve-static-core';

/** body-parser 1.x (Express 4) marks a request whose body it read; Portcullis sets it too. */
export interface BodyParserMarks {
  _body?: boolean;
}

/**
 * Whether a body parser already consumed and parsed the body before Portcullis ran.
 *
 * body-parser 1.x (Express 4) sets `req._body = true`. body-parser 2.x (Express 5) sets no flag;
 * there the sign is a request stream that has already ended with `req.body` set. Either way the
 * stream is gone, so the framework's object is what Portcullis must validate.
 */
export function bodyAlreadyParsed(req: Request): boolean {
  if ((req as Request & BodyParserMarks)._body === true) return true;
  return req.readableEnded && req.body !== undefined;
}

function bodySourceOf(req: Request): BodySource {
  if (bodyAlreadyParsed(req)) return { kind: 'parsed', value: req.body as unknown };
  return { kind: 'node-stream', stream: req };
}

/** Translates an Express request into core's input, untranslated: raw target, raw headers, socket. */
export function toRequestInit(req: Request): RequestInit {
  const tls = tlsPeerReader(req.socket);
  return {
    method: req.method,
    // `req.url` is rewritten inside mounted routers (`app.use('/api', router)` strips `/api`);
    // `originalUrl` is the request-target as it arrived on the wire.
    target: typeof req.originalUrl === 'string' ? req.originalUrl : (req.url ?? ''),
    headers: req.rawHeaders,
    remoteAddress: req.socket.remoteAddress,
    ...(tls === undefined ? {} : { tls }),
    body: bodySourceOf(req),
  };
}
