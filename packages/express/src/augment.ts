/**
 * Declaration merging so that `req.portcullis` is typed wherever the application reads it.
 *
 * `express-serve-static-core` is where `@types/express` 4 and 5 both declare `Request`; its
 * `Request` also extends the global `Express.Request`, which `@types/express` documents as the
 * place for extensions. Augmenting both covers every typing setup (including code that only
 * imports `express-serve-static-core`).
 */
import type { Decision } from '@portcullis/core';

declare global {
  namespace Express {
    interface Request {
      /** The Portcullis decision for this request, set before the next handler runs. */
      portcullis?: Decision;
    }
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The Portcullis decision for this request, set before the next handler runs. */
    portcullis?: Decision;
  }
}

export {};
