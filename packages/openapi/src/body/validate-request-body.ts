import type { ParsedBody } from '@portcullis/core';
import type { CompiledRequestBody } from '../contract/operation-runtime.js';
import type { LoadedDocument } from '../document/types.js';
import { deserializeFormBody } from '../parameters/form-body.js';
import type { ValidationIssue } from '../schema/types.js';

export type BodyVerdict =
  | { readonly kind: 'valid'; readonly checked: boolean }
  | { readonly kind: 'required' }
  | { readonly kind: 'media-type' }
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[] };

const VALID: BodyVerdict = Object.freeze({ kind: 'valid', checked: true });
/** A documented media type Portcullis does not parse (multipart, binary): the media type was checked, not the content. */
const UNCHECKED: BodyVerdict = Object.freeze({ kind: 'valid', checked: false });
const REQUIRED: BodyVerdict = Object.freeze({ kind: 'required' });
const MEDIA_TYPE: BodyVerdict = Object.freeze({ kind: 'media-type' });
const UNEXPECTED_BODY: BodyVerdict = Object.freeze({
  kind: 'invalid',
  issues: Object.freeze([Object.freeze({ pointer: '/body', keyword: 'requestBody', message: 'this operation takes no request body' })]),
});

export interface BodyValidationOptions {
  readonly coercion: 'schema' | 'none';
  readonly maxDepth: number;
  readonly maxKeys: number;
}

const decoder = new TextDecoder();

/**
 * Checks the body core read (capped, parsed, prototype-safe) against the operation's request body:
 * presence, documented media type, then the media type's schema.
 */
export function validateRequestBody(
  spec: CompiledRequestBody | undefined,
  body: ParsedBody,
  contentType: string | undefined,
  document: LoadedDocument,
  options: BodyValidationOptions,
): BodyVerdict {
  if (body.kind === 'none') return spec?.required === true ? REQUIRED : VALID;
  if (spec === undefined) return UNEXPECTED_BODY;
  // A body without a Content-Type has no documented media type to be checked against.
  if (contentType === undefined) return MEDIA_TYPE;
  const media = spec.media.match(contentType);
  if (media === undefined) return MEDIA_TYPE;
  const schema = media.value.schema;
  switch (body.kind) {
    case 'json':
    case 'framework':
      return check(schema, body.value);
    case 'text':
      return check(schema, body.value);
    case 'form': {
      if (schema === undefined) return VALID;
      const form = deserializeFormBody(decoder.decode(body.raw), media.value.schemaPointer, media.value.encoding, document, {
        coercion: options.coercion,
        unknownQuery: 'allow',
        maxDepth: options.maxDepth,
        maxKeys: options.maxKeys,
      });
      return form.ok ? check(schema, form.value) : { kind: 'invalid', issues: form.issues };
    }
    case 'unread':
      return UNCHECKED;
  }
}

function check(schema: { validate(value: unknown, prefix: string): readonly ValidationIssue[] | undefined } | undefined, value: unknown): BodyVerdict {
  if (schema === undefined) return VALID;
  const issues = schema.validate(value, '/body');
  return issues === undefined ? VALID : { kind: 'invalid', issues };
}
