import type { LoadedDocument } from '../document/types.js';
import { DocumentError } from '../document/types.js';
import { MediaTypeMap } from '../body/media-type-map.js';
import { childPointer, isObject, resolveRef } from './refs.js';

/** How Portcullis reads a documented media type (the same split as core's body reader). */
export type BodyKind = 'json' | 'form' | 'text' | 'other';

export interface RequestMedia {
  readonly kind: BodyKind;
  /** Internal pointer of the media type's schema; undefined when it documents none (anything goes). */
  readonly schemaPointer: string | undefined;
  /** `encoding` of a form media type, by property. */
  readonly encoding: Readonly<Record<string, { readonly style?: string; readonly explode?: boolean }>> | undefined;
}

export interface RequestBodySpec {
  readonly required: boolean;
  readonly media: MediaTypeMap<RequestMedia>;
}

export function bodyKindOf(key: string): BodyKind {
  const essence = (key.split(';')[0] as string).trim().toLowerCase();
  if (essence === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.-]+\+json$/.test(essence)) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence.startsWith('text/') || essence === 'application/graphql') return 'text';
  return 'other';
}

/** Reads an operation's `requestBody` (following `$ref`s); undefined when it has none. */
export function readRequestBody(document: LoadedDocument, operationPointer: string): RequestBodySpec | undefined {
  const operation = resolveRef(document, operationPointer).value;
  if (!isObject(operation) || operation['requestBody'] === undefined) return undefined;
  const { value: body, pointer } = resolveRef(document, childPointer(operationPointer, 'requestBody'));
  if (!isObject(body) || !isObject(body['content'])) throw new DocumentError(document.describe(pointer), 'a request body must have a content map');
  const media = new MediaTypeMap<RequestMedia>();
  for (const [key, entry] of Object.entries(body['content'])) {
    const at = childPointer(pointer, 'content', key);
    if (!isObject(entry)) throw new DocumentError(document.describe(at), 'expected a Media Type Object');
    const encoding = isObject(entry['encoding']) ? (entry['encoding'] as RequestMedia['encoding']) : undefined;
    const added = media.add(key, {
      kind: bodyKindOf(key),
      schemaPointer: entry['schema'] === undefined ? undefined : childPointer(at, 'schema'),
      encoding,
    });
    if (!added) throw new DocumentError(document.describe(at), `"${key}" is not a media type or media range`);
  }
  return { required: body['required'] === true, media };
}
