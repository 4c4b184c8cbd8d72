import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as api from '../src/index.js';

test('exposes the public api', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'DURATION_BUCKETS_MS',
    'PORTCULLIS_ATTRIBUTES',
    'PORTCULLIS_METRICS',
    'PORTCULLIS_SPANS',
    'SCOPE_NAME',
    'VERSION',
    'otelTelemetry',
  ]);
});

test('VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
  assert.equal(api.VERSION, pkg.version);
  assert.equal(api.SCOPE_NAME, pkg.name);
});

test('the documented names are frozen', () => {
  assert.equal(Object.isFrozen(api.PORTCULLIS_ATTRIBUTES), true);
  assert.equal(Object.isFrozen(api.PORTCULLIS_METRICS), true);
  assert.equal(Object.isFrozen(api.PORTCULLIS_SPANS), true);
  assert.equal(Object.isFrozen(api.DURATION_BUCKETS_MS), true);
  assert.deepEqual(Object.values(api.PORTCULLIS_METRICS), ['portcullis.decisions', 'portcullis.decision.duration', 'portcullis.guard.errors', 'portcullis.diagnostics']);
});
