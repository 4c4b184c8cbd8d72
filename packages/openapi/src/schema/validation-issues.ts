import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from './types.js';

/**
 * Turns ajv's errors into issues safe to send to a client. Ajv's own messages embed schema content
 * (limits, patterns, allowed values) and sometimes input (property names), so every message here
 * is fixed per keyword. Type names are the one exception: they come from JSON Schema's closed
 * vocabulary of seven words, never from free text.
 */

/** Keywords the compiler introduces, reported as the keyword the document author wrote. */
export const EMPTY_ENUM_KEYWORD = 'portcullisEmptyEnum';

const MESSAGES: Readonly<Record<string, string>> = {
  required: 'must have the required property',
  additionalProperties: 'must not have additional properties',
  unevaluatedProperties: 'must not have additional properties',
  enum: 'must be one of the allowed values',
  const: 'must be equal to the allowed value',
  pattern: 'must match the required pattern',
  format: 'must match the expected format',
  minimum: 'must not be less than the allowed minimum',
  exclusiveMinimum: 'must be greater than the allowed minimum',
  maximum: 'must not be greater than the allowed maximum',
  exclusiveMaximum: 'must be less than the allowed maximum',
  multipleOf: 'must be a multiple of the allowed divisor',
  minLength: 'must not be shorter than the allowed minimum length',
  maxLength: 'must not be longer than the allowed maximum length',
  minItems: 'must not have fewer items than the allowed minimum',
  maxItems: 'must not have more items than the allowed maximum',
  uniqueItems: 'must not have duplicate items',
  minProperties: 'must not have fewer properties than the allowed minimum',
  maxProperties: 'must not have more properties than the allowed maximum',
  items: 'must not have more items than allowed',
  unevaluatedItems: 'must not have more items than allowed',
  contains: 'must contain a matching item',
  minContains: 'must contain enough matching items',
  maxContains: 'must not contain too many matching items',
  anyOf: 'must match at least one of the allowed schemas',
  oneOf: 'must match exactly one of the allowed schemas',
  not: 'must not match the disallowed schema',
  if: 'must match the conditional schema',
  dependentRequired: 'must have the properties that its other properties require',
  propertyNames: 'must have valid property names',
  readOnly: 'is read-only',
  writeOnly: 'is write-only',
  'false schema': 'is not allowed',
};

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Property names short and plain enough to echo in a pointer; anything else is left out. */
const SAFE_PROPERTY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function toValidationIssues(
  errors: readonly ErrorObject[],
  prefix: string,
  maxIssues: number,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    if (issues.length >= maxIssues) break;
    issues.push(toIssue(error, prefix));
  }
  return issues;
}

function toIssue(error: ErrorObject, prefix: string): ValidationIssue {
  const keyword = error.keyword === EMPTY_ENUM_KEYWORD ? 'enum' : error.keyword;
  let pointer = prefix + error.instancePath;
  const named = namedProperty(error);
  if (named !== undefined && SAFE_PROPERTY_NAME.test(named)) pointer += `/${named}`;
  return { pointer, keyword, message: messageFor(keyword, error) };
}

/** The property a `required` / additional-property error is about, if any. */
function namedProperty(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  const candidate =
    error.keyword === 'required'
      ? params['missingProperty']
      : error.keyword === 'additionalProperties'
        ? params['additionalProperty']
        : error.keyword === 'unevaluatedProperties'
          ? params['unevaluatedProperty']
          : undefined;
  return typeof candidate === 'string' ? candidate : undefined;
}

function messageFor(keyword: string, error: ErrorObject): string {
  if (keyword === 'type') {
    const declared = (error.params as Record<string, unknown>)['type'];
    const names = (Array.isArray(declared) ? declared : String(declared).split(','))
      .map((name) => String(name))
      .filter((name) => JSON_TYPES.has(name));
    return names.length > 0 ? `must be ${names.join(' or ')}` : 'must be of the allowed type';
  }
  return Object.hasOwn(MESSAGES, keyword) ? (MESSAGES[keyword] as string) : 'is invalid';
}
