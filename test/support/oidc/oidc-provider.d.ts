// oidc-provider ships no type declarations. The test rig uses only this much of its surface
// (the provider is a Koa application), typed narrowly so the rig stays type-checked.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    /** Koa's: do not print errors the application did not handle. */
    silent: boolean;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
  export const errors: {
    /** `invalid_target` (RFC 8707), 400. */
    readonly InvalidTarget: new (description?: string) => Error;
  };
  export default Provider;
}
