import { beforeWriteHead, runResponseHooks, type Decision, type ResponseView } from '@portcullis/core';
import type { ServerResponse } from 'node:http';

/**
 * A live view over the Node response; hooks see what the handler set and change it in place.
 *
 * A class rather than an object literal with a `get status()` accessor: V8 gives every such literal
 * its own hidden class, kept in the old generation, whose accessor closure holds the response. Each
 * response then survived young-generation collections and was promoted, which made garbage
 * collection the largest per-request cost of the adapter under load.
 */
export class NodeResponseView implements ResponseView {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  get status(): number {
    return this.#res.statusCode;
  }

  getHeader(name: string): string | undefined {
    const value = this.#res.getHeader(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    this.#res.setHeader(name, value);
  }

  removeHeader(name: string): void {
    this.#res.removeHeader(name);
  }
}

/**
 * Runs the decision's response hooks once, just before the status line and headers are written
 * (core's `beforeWriteHead` covers every way a Node response starts, `res.send`/`res.json` included).
 */
export function interceptWriteHead(res: ServerResponse, decision: Decision): void {
  beforeWriteHead(res, () => runResponseHooks(decision, new NodeResponseView(res)));
}
