import type { LoadedDocument } from '../document/types.js';
import { DocumentError } from '../document/types.js';
import { MediaTypeMap } from '../body/media-type-map.js';
import { bodyKindOf, type BodyKind } from './request-body.js';
import { childPointer, isObject, resolveRef } from './refs.js';

export interface ResponseMedia {
  readonly kind: BodyKind;
  readonly schemaPointer: string | undefined;
}

export interface ResponseSpec {
  /** Where the Response Object is, for reports. */
  readonly pointer: string;
  /** Empty when the response documents no content (then the body must be empty). */
  readonly media: MediaTypeMap<ResponseMedia>;
}

export interface ResponsesSpec {
  readonly byStatus: ReadonlyMap<string, ResponseSpec>;
  /** `2XX`... by first digit. */
  readonly byRange: ReadonlyMap<string, ResponseSpec>;
  readonly fallback: ResponseSpec | undefined;
}

/** Reads an operation's `responses`: explicit codes, `1XX`–`5XX` ranges and `default`. */
export function readResponses(document: LoadedDocument, operationPointer: string): ResponsesSpec {
  const operation = resolveRef(document, operationPointer).value;
  const byStatus = new Map<string, ResponseSpec>();
  const byRange = new Map<string, ResponseSpec>();
  let fallback: ResponseSpec | undefined;
  const responses = isObject(operation) ? operation['responses'] : undefined;
  if (!isObject(responses)) return { byStatus, byRange, fallback };
  for (const code of Object.keys(responses)) {
    if (code.startsWith('x-')) continue;
    const { value, pointer } = resolveRef(document, childPointer(operationPointer, 'responses', code));
    if (!isObject(value)) throw new DocumentError(document.describe(pointer), 'expected a Response Object');
    const media = new MediaTypeMap<ResponseMedia>();
    if (isObject(value['content'])) {
      for (const [key, entry] of Object.entries(value['content'])) {
        const at = childPointer(pointer, 'content', key);
        if (!isObject(entry)) throw new DocumentError(document.describe(at), 'expected a Media Type Object');
        if (!media.add(key, { kind: bodyKindOf(key), schemaPointer: entry['schema'] === undefined ? undefined : childPointer(at, 'schema') })) {
          throw new DocumentError(document.describe(at), `"${key}" is not a media type or media range`);
        }
      }
    }
    const spec = { pointer, media };
    if (code === 'default') fallback = spec;
    else if (/^[1-5]XX$/i.test(code)) byRange.set(code[0] as string, spec);
    else if (/^[1-5]\d\d$/.test(code)) byStatus.set(code, spec);
    else throw new DocumentError(document.describe(childPointer(operationPointer, 'responses', code)), `"${code}" is not a status code, a range such as 4XX, or default`);
  }
  return { byStatus, byRange, fallback };
}

export function responseFor(spec: ResponsesSpec, status: number): ResponseSpec | undefined {
  return spec.byStatus.get(String(status)) ?? spec.byRange.get(String(status)[0] as string) ?? spec.fallback;
}
