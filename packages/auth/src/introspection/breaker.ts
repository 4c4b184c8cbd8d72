/**
 * A circuit breaker over consecutive failures. Closed: every request goes out. After
 * `failureThreshold` failures in a row it opens: requests are refused at once, without touching
 * the endpoint, until `resetMs` has passed; then it is half-open and lets exactly one trial request
 * through. The trial's success closes it; its failure opens it for another `resetMs`.
 *
 * Time comes from the caller (the policy clock), so tests can move it.
 */
export type BreakerTransition = 'opened' | 'closed' | undefined;

export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #resetMs: number;
  #failures = 0;
  #state: 'closed' | 'open' | 'half-open' = 'closed';
  #openUntil = 0;

  constructor(failureThreshold: number, resetMs: number) {
    this.#failureThreshold = failureThreshold;
    this.#resetMs = resetMs;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    return this.#state;
  }

  /** Whether a request may go out now. Moving from open to half-open admits this one caller. */
  admit(now: number): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'half-open') return false;
    if (now < this.#openUntil) return false;
    this.#state = 'half-open';
    return true;
  }

  /** The endpoint answered. Returns `closed` when this ended an outage. */
  succeeded(): BreakerTransition {
    const wasOpen = this.#state !== 'closed';
    this.#state = 'closed';
    this.#failures = 0;
    return wasOpen ? 'closed' : undefined;
  }

  /** The endpoint failed. Returns `opened` when this opened the breaker. */
  failed(now: number): BreakerTransition {
    this.#failures += 1;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#failureThreshold)) {
      this.#state = 'open';
      this.#openUntil = now + this.#resetMs;
      return 'opened';
    }
    return undefined;
  }
}
