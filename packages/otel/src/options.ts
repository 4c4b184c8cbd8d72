import type { Meter, Tracer } from '@opentelemetry/api';
import { PolicyError, childPath, describeValue, readBoolean, readEnum, readObject } from '@portcullis/core';

/** Which decisions get a `portcullis.decision` span. */
export type SpanSelection = 'all' | 'denied' | 'none';

export interface OtelTelemetryOptions {
  /** Tracer to use. Default: `trace.getTracer('@portcullis/otel', version)` from the global provider. */
  readonly tracer?: Tracer;
  /** Meter to use. Default: `metrics.getMeter('@portcullis/otel', version)` from the global provider. */
  readonly meter?: Meter;
  /**
   * `all` (default): a span for every decision. `denied`: only decisions that denied (enforced or
   * not) or where a guard errored. `none`: no decision spans (metrics and diagnostics still flow).
   */
  readonly spans?: SpanSelection;
  /** One span event per guard result on the decision span. Default true. */
  readonly guardEvents?: boolean;
  /** Also set the decision attributes on the active span (e.g. the HTTP server span). Default false. */
  readonly activeSpanAttributes?: boolean;
}

export interface ResolvedOptions {
  readonly tracer: Tracer | undefined;
  readonly meter: Meter | undefined;
  readonly spans: SpanSelection;
  readonly guardEvents: boolean;
  readonly activeSpanAttributes: boolean;
}

const ROOT = 'otel';
const KEYS = ['tracer', 'meter', 'spans', 'guardEvents', 'activeSpanAttributes'];

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

/** Validates the options; a bad value throws PolicyError naming it (`otel.spans`), never a default. */
export function readOptions(options: unknown): ResolvedOptions {
  const o = options === undefined ? {} : readObject(options, ROOT, KEYS);
  const tracer = o['tracer'];
  if (tracer !== undefined && !hasMethods(tracer, ['startSpan'])) {
    throw new PolicyError(childPath(ROOT, 'tracer'), `expected an OpenTelemetry Tracer (with startSpan), got ${describeValue(tracer)}`);
  }
  const meter = o['meter'];
  if (meter !== undefined && !hasMethods(meter, ['createCounter', 'createHistogram'])) {
    throw new PolicyError(childPath(ROOT, 'meter'), `expected an OpenTelemetry Meter (with createCounter and createHistogram), got ${describeValue(meter)}`);
  }
  return {
    tracer: tracer as Tracer | undefined,
    meter: meter as Meter | undefined,
    spans: readEnum<SpanSelection>(o['spans'], childPath(ROOT, 'spans'), ['all', 'denied', 'none'], 'all'),
    guardEvents: readBoolean(o['guardEvents'], childPath(ROOT, 'guardEvents'), true),
    activeSpanAttributes: readBoolean(o['activeSpanAttributes'], childPath(ROOT, 'activeSpanAttributes'), false),
  };
}
