import { FirewallError } from '@portcullis/core';

/**
 * Store failures surface as `ERR_STORE_UNAVAILABLE`, whatever the client library threw: the guard
 * calling the store only needs to know the store did not answer, and its `onError` decides what
 * the request gets. The client's own error is kept as `cause` for operators; it is not put in the
 * message, which stays fixed (no key, which may hold a client address or a key hash).
 */
export function storeUnavailable(operation: string, cause: unknown): FirewallError {
  return new FirewallError('ERR_STORE_UNAVAILABLE', `redis ${operation} failed`, { cause });
}

/**
 * Runs one store operation with a deadline. A Redis client queues commands while it is
 * disconnected or reconnecting (ioredis' offline queue), and a server that stopped answering never
 * settles them; without a bound, every request behind a rate limit would hang with it. Past the
 * deadline the promise rejects; the client's late answer (or failure) is then ignored, and its
 * rejection is consumed so that it is never reported as unhandled.
 */
export function withDeadline<T>(operation: string, timeoutMs: number, start: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new FirewallError('ERR_STORE_UNAVAILABLE', `redis ${operation} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    let pending: Promise<T>;
    try {
      pending = start();
    } catch (error) {
      clearTimeout(timer);
      reject(storeUnavailable(operation, error));
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof FirewallError ? error : storeUnavailable(operation, error));
      },
    );
  });
}
