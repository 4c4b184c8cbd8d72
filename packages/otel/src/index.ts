// The public API of @portcullis/otel. Every export is listed here explicitly and snapshot-tested.

export { otelTelemetry } from './otel-telemetry.js';
export type { OtelTelemetryOptions, SpanSelection } from './options.js';
export { PORTCULLIS_ATTRIBUTES, PORTCULLIS_SPANS } from './attributes.js';
export { PORTCULLIS_METRICS, DURATION_BUCKETS_MS } from './instruments.js';
export { SCOPE_NAME, VERSION } from './version.js';
