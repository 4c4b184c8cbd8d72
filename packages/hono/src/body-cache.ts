import type { HonoRequest } from 'hono';
import type { ParsedBody } from '@portcullis/core';

/** HonoRequest keeps one promise per body reader (`json`, `text`, `arrayBuffer`...) in `bodyCache`. */
type BodyCache = Record<string, Promise<unknown> | undefined>;

const decoder = new TextDecoder();

/** The exact bytes as an ArrayBuffer of their own (a chunk may be a view into a larger buffer). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Hands the body Portcullis read and validated on to the handler. The request stream was consumed
 * by the engine, so HonoRequest's body cache is seeded with the same bytes: `c.req.text()`,
 * `arrayBuffer()`, `parseBody()` and validators read them from there, never the stream again
 * (`c.req.raw`, the Web Request itself, has a used body).
 *
 * For JSON, `c.req.json()` must return the very object the body guards inspected. Earlier Hono 4
 * releases serve it from `bodyCache.json`; recent ones (4.13 at least) parse the cached text again
 * on every call, which would hand over a second object, so this request also gets a `json()` that
 * returns the validated one.
 */
export function handOnBody(req: HonoRequest, body: ParsedBody | undefined): void {
  if (body === undefined) return;
  const cache = req.bodyCache as BodyCache;
  switch (body.kind) {
    case 'json': {
      const value = body.value;
      cache['arrayBuffer'] = Promise.resolve(ownBuffer(body.raw));
      // The same decoding the engine used (UTF-8, BOM dropped): the text is exactly what was parsed.
      cache['text'] = Promise.resolve(decoder.decode(body.raw));
      cache['json'] = Promise.resolve(value);
      req.json = <T>(): Promise<T> => Promise.resolve(value as T);
      return;
    }
    case 'text':
      cache['arrayBuffer'] = Promise.resolve(ownBuffer(body.raw));
      cache['text'] = Promise.resolve(body.value);
      return;
    case 'form':
      // `c.req.parseBody()` parses these bytes again with Hono's own rules (a repeated name keeps
      // its last value unless `all: true`); the object Portcullis validated (repeated names as
      // arrays, null prototype) is the request's validated form: `c.req.valid('form')`.
      cache['arrayBuffer'] = Promise.resolve(ownBuffer(body.raw));
      cache['text'] = Promise.resolve(decoder.decode(body.raw));
      req.addValidatedData('form', body.value);
      return;
    default:
      // none / unread (a media type Portcullis leaves to the app: the stream is untouched) /
      // framework (not produced on Hono).
      return;
  }
}
