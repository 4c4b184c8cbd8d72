import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '../support/adapter-kit/http.js';
import type { RunningApp } from './harness.js';

/**
 * Serves a Node request listener on 127.0.0.1 (a free port) for a harness, with the adapter kit's
 * `serve` (whose `close()` also ends idle keep-alive connections).
 */
export async function listenOnLoopback(listener: RequestListener): Promise<RunningApp> {
  const running = await serve(listener);
  const { port } = running.server.address() as AddressInfo;
  return { url: running.url, port, close: running.close };
}
