/**
 * The public API of @portcullis/openapi is its explicit src/index.ts exports. Adding or removing a
 * runtime export must be a deliberate change to this list, reviewed like an API change.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../src/index.js';

it('exposes exactly the public runtime API', () => {
  assert.deepEqual(Object.keys(api).sort(), ['DocumentError', 'OPENAPI_DENY_CODES', 'checkContract', 'openapi', 'openapiRequest', 'operationIdType']);
});
