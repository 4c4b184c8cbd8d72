// The public API of @portcullis/auth. Every export is listed here explicitly.

export { AUTH_DENY_CODES } from './codes.js';
export type { AuthDenyCode } from './codes.js';
export type { TokenLocation } from './credentials.js';
export type { IdentityMappingOptions } from './identity-mapping.js';
