/**
 * A hang detector, not a timing assertion: the promise must settle at all, and the bound is far
 * above anything a working firewall needs. When it does not, the test fails with what was pending.
 */
export const WATCHDOG_MS = 5_000;

export async function settlesWithin<T>(promise: Promise<T>, what: string, ms = WATCHDOG_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([promise, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}
