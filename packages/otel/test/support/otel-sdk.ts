// A real OpenTelemetry SDK per test: spans go to an in-memory exporter, metrics are collected on
// demand. Nothing is registered globally, so tests cannot leak providers into each other.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Attributes, type Context, type ContextManager, type Meter, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

/** A pull reader: `collect()` returns what was recorded so far. */
class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface Point {
  readonly attributes: Attributes;
  /** A counter's sum, or a histogram's { count, sum, ... }. */
  readonly value: unknown;
}

export interface CollectedMetric {
  readonly name: string;
  readonly unit: string;
  readonly points: readonly Point[];
}

export interface OtelSdk {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly tracer: Tracer;
  readonly meter: Meter;
  spans(): ReadableSpan[];
  metrics(): Promise<Map<string, CollectedMetric>>;
  shutdown(): Promise<void>;
}

export function createOtelSdk(): OtelSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
    spans: () => exporter.getFinishedSpans(),
    async metrics() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
      const out = new Map<string, CollectedMetric>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics as MetricData[]) {
          out.set(metric.descriptor.name, {
            name: metric.descriptor.name,
            unit: metric.descriptor.unit,
            points: (metric.dataPoints as { attributes: Attributes; value: unknown }[]).map((p) => ({ attributes: p.attributes, value: p.value })),
          });
        }
      }
      return out;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The point whose attributes are exactly `attributes` (the whole set, so extra keys fail the test). */
export function pointWith(metric: CollectedMetric | undefined, attributes: Attributes): Point | undefined {
  const wanted = JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
  return metric?.points.find((p) => JSON.stringify(Object.entries(p.attributes).sort(([a], [b]) => a.localeCompare(b))) === wanted);
}

/**
 * The async context propagation a host gets from @opentelemetry/context-async-hooks, in a few lines
 * on AsyncLocalStorage, so that "the active span" means something during decide().
 */
export class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.#storage.run(context, () => fn.call(thisArg, ...args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => this.#storage.run(context, () => fn(...args))) as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}
