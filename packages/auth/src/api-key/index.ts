// The API-key guard's public surface; re-exported by the package index.
export { apiKey } from './api-key-guard.js';
export type { ApiKeyOptions, ApiKeyCacheOptions } from './api-key-guard.js';
export { hashApiKey } from './key-hash.js';
export type { ApiKeyRecord, ApiKeyEntry } from './key-record.js';
