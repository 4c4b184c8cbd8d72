// The instrumentation scope reported with every span and metric. The version is kept equal to
// package.json by a test, so that the source needs no JSON import at run time.
export const SCOPE_NAME = '@portcullis/otel';
export const VERSION = '0.1.0';
