import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../src/index.js';

test('the public API of @portcullis/fastify is exactly these exports', () => {
  assert.deepEqual(Object.keys(api).sort(), ['default', 'portcullis', 'portcullisFrameworkErrors']);
  assert.equal(api.default, api.portcullis);
});
