import type { Context } from 'hono';
import { FirewallError, type Firewall } from '@portcullis/core';

export interface PortcullisHonoOptions {
  /**
   * The socket peer address where the runtime does not expose a Node socket (Bun, Deno, Workers,
   * `app.request()`): e.g. `(c) => getConnInfo(c).remote.address`. On @hono/node-server the
   * socket's address is used and this is not called. Without either, the client address is
   * unknown, which IP-based guards treat as they are configured to (deny by default).
   */
  readonly clientAddress?: (c: Context) => string | undefined;
}

function misuse(message: string): FirewallError {
  return new FirewallError('ERR_ADAPTER_MISUSE', `@portcullis/hono: ${message}`);
}

/** Checks the arguments once, when the middleware is created, not per request. */
export function checkArguments(firewall: unknown, options: unknown): PortcullisHonoOptions {
  const f = firewall as Partial<Firewall> | null;
  if (typeof f !== 'object' || f === null || typeof f.decide !== 'function') {
    throw misuse('portcullis(firewall) expects a Firewall made by createFirewall()');
  }
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw misuse('options must be an object');
  const clientAddress = (options as { clientAddress?: unknown }).clientAddress;
  if (clientAddress !== undefined && typeof clientAddress !== 'function') throw misuse('options.clientAddress must be a function (c) => string | undefined');
  return options as PortcullisHonoOptions;
}
