// The signed-request guard's public surface; re-exported by the package index.
export { signedRequest } from './signed-request-guard.js';
export type { SignedRequestOptions, SignedRequestKey } from './signed-request-guard.js';
export { signRequest } from './sign-request.js';
export type { SignRequestInput } from './sign-request.js';
export type { SignatureAlgorithm } from './canonical.js';
