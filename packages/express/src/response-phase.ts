import { beforeWriteHead, runResponseHooks, type Decision, type ResponseView } from '@portcullis/core';
import type { ServerResponse } from 'node:http';

/** A live view over the Node response; hooks see what the handler set and change it in place. */
function viewOf(res: ServerResponse): ResponseView {
  return {
    get status() {
      return res.statusCode;
    },
    getHeader(name) {
      const value = res.getHeader(name);
      if (value === undefined) return undefined;
      return Array.isArray(value) ? value.join(', ') : String(value);
    },
    setHeader(name, value) {
      res.setHeader(name, value);
    },
    removeHeader(name) {
      res.removeHeader(name);
    },
  };
}

/**
 * Runs the decision's response hooks once, just before the status line and headers are written
 * (core's `beforeWriteHead` covers every way a Node response starts, `res.send`/`res.json` included).
 */
export function interceptWriteHead(res: ServerResponse, decision: Decision): void {
  beforeWriteHead(res, () => runResponseHooks(decision, viewOf(res)));
}
