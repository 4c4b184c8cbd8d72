import { FirewallError, isPlainObject, type Firewall } from '@portcullis/core';

/**
 * Options of the Express adapter. None exist yet: the object is reserved so that options can be
 * added without changing the signature. Policy belongs in the firewall, not in the adapter.
 */
export interface ExpressAdapterOptions {}

/** Fails at start-up on a misuse: a typo in an option is an error, never silently ignored. */
export function checkArguments(firewall: unknown, options: unknown): asserts firewall is Firewall {
  if (typeof firewall !== 'object' || firewall === null || typeof (firewall as Partial<Firewall>).decide !== 'function') {
    throw new FirewallError('ERR_ADAPTER_MISUSE', 'portcullis(firewall) expects the Firewall returned by createFirewall()');
  }
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new FirewallError('ERR_ADAPTER_MISUSE', 'portcullis(firewall, options): options must be an object');
  const [first] = Object.keys(options);
  if (first !== undefined) {
    throw new FirewallError('ERR_ADAPTER_MISUSE', `portcullis(firewall, options): unknown option ${JSON.stringify(first)} (the Express adapter has no options yet)`, { path: first });
  }
}
