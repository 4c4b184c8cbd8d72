import { ValueType, metrics, trace, type Counter, type Histogram, type Meter, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { SCOPE_NAME, VERSION } from './version.js';

/** Every metric this package records. */
export const PORTCULLIS_METRICS = Object.freeze({
  decisions: 'portcullis.decisions',
  decisionDuration: 'portcullis.decision.duration',
  guardErrors: 'portcullis.guard.errors',
  diagnostics: 'portcullis.diagnostics',
} as const);

/**
 * Firewall decisions mostly take tens of microseconds, so the SDK's default buckets (0, 5, 10 ms...)
 * would put nearly all of them in the first one. A View configured by the user still wins.
 */
export const DURATION_BUCKETS_MS: readonly number[] = Object.freeze([
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
]);

export interface Instruments {
  readonly decisions: Counter;
  readonly duration: Histogram;
  readonly guardErrors: Counter;
  readonly diagnostics: Counter;
}

function createInstruments(meter: Meter): Instruments {
  return {
    decisions: meter.createCounter(PORTCULLIS_METRICS.decisions, {
      description: 'Firewall decisions, by outcome, enforcement, deciding guard, code and route.',
      unit: '{decision}',
      valueType: ValueType.INT,
    }),
    duration: meter.createHistogram(PORTCULLIS_METRICS.decisionDuration, {
      description: 'Time the firewall took to decide a request.',
      unit: 'ms',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_MS] },
    }),
    guardErrors: meter.createCounter(PORTCULLIS_METRICS.guardErrors, {
      description: 'Guards that threw or timed out, by guard and error code.',
      unit: '{error}',
      valueType: ValueType.INT,
    }),
    diagnostics: meter.createCounter(PORTCULLIS_METRICS.diagnostics, {
      description: 'Configuration and operational diagnostics, by code and severity.',
      unit: '{diagnostic}',
      valueType: ValueType.INT,
    }),
  };
}

/**
 * Instruments are created once per meter, not per call. Without an explicit meter they follow the
 * global provider: `metrics.getMeter()` returns a no-op meter (not a proxy) while no SDK is
 * registered, so the provider is re-checked on each use (a cheap global lookup) and instruments
 * are re-created only when it changed, e.g. when the SDK starts after the firewall was built.
 */
export function meterBinding(explicit: Meter | undefined): () => Instruments {
  if (explicit !== undefined) {
    let instruments: Instruments | undefined;
    return () => (instruments ??= createInstruments(explicit));
  }
  let provider: MeterProvider | undefined;
  let instruments: Instruments | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (current !== provider || instruments === undefined) {
      instruments = createInstruments(current.getMeter(SCOPE_NAME, VERSION));
      provider = current;
    }
    return instruments;
  };
}

/** The tracer to use now: the explicit one, or the global provider's (re-resolved if it was replaced). */
export function tracerBinding(explicit: Tracer | undefined): () => Tracer {
  if (explicit !== undefined) return () => explicit;
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  return () => {
    const current = trace.getTracerProvider();
    if (current !== provider || tracer === undefined) {
      tracer = current.getTracer(SCOPE_NAME, VERSION);
      provider = current;
    }
    return tracer;
  };
}
