import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../src/index.js';

test('exposes the public api', () => {
  assert.deepEqual(Object.keys(api).sort(), ['DEFAULT_COMMAND_TIMEOUT_MS', 'DEFAULT_PREFIX', 'INCREMENT_SCRIPT', 'redisStore']);
});
