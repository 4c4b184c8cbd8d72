// The public API of @portcullis/rate-limit. Every export is listed here explicitly.

export { rateLimit } from './rate-limit-guard.js';
export type { RateLimitOptions, WindowLimit, CalendarQuota, PenaltyOptions } from './options.js';
export type { KeyPart } from './key.js';
export { RATE_LIMIT_DENY_CODES } from './codes.js';
export type { RateLimitDenyCode } from './codes.js';
