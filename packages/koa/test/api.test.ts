import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFirewallError } from '@portcullis/core';
import * as api from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';

test('the public API is exactly the listed exports', () => {
  assert.deepEqual(Object.keys(api).sort(), ['portcullis']);
});

test('a misuse fails at start-up with ERR_ADAPTER_MISUSE, never at the first request', async () => {
  const { firewall } = await testFirewall();
  const misuse = (f: () => unknown): void => {
    assert.throws(f, (error: unknown) => isFirewallError(error) && error.code === 'ERR_ADAPTER_MISUSE');
  };
  misuse(() => api.portcullis({} as never));
  misuse(() => api.portcullis(undefined as never));
  // The options object is reserved: an unknown key is a typo, not something to ignore.
  misuse(() => api.portcullis(firewall, { mode: 'monitor' } as never));
  misuse(() => api.portcullis(firewall, 'options' as never));
  assert.equal(typeof api.portcullis(firewall), 'function');
  assert.equal(typeof api.portcullis(firewall, {}), 'function');
});
