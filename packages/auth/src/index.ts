// The public API of @portcullis/auth. Every export is listed here explicitly.

export { AUTH_DENY_CODES } from './codes.js';
export type { AuthDenyCode } from './codes.js';
export type { TokenLocation } from './credentials.js';
export type { IdentityMappingOptions } from './identity-mapping.js';

export { jwt } from './jwt/jwt-guard.js';
export type { JwtFailureReason } from './jwt/jwt-guard.js';
export type { JwtOptions, JwtSecret, JwtPublicKey, JwksUriOptions } from './jwt/options.js';
export { JWT_ALGORITHMS } from './jwt/algorithms.js';
export type { JwtAlgorithm } from './jwt/algorithms.js';
export { JwksUnavailableError } from './jwt/remote-jwks.js';

export { introspection } from './introspection/introspection-guard.js';
export type { IntrospectionFailureReason } from './introspection/introspection-guard.js';
export type { IntrospectionOptions, IntrospectionCacheOptions, IntrospectionBreakerOptions, IntrospectionFetch } from './introspection/options.js';
export { IntrospectionError } from './introspection/endpoint.js';
export type { IntrospectionErrorReason } from './introspection/endpoint.js';

export { apiKey, hashApiKey } from './api-key/index.js';
export type { ApiKeyOptions, ApiKeyCacheOptions, ApiKeyRecord, ApiKeyEntry } from './api-key/index.js';
export { signedRequest, signRequest } from './signed-request/index.js';
export type { SignedRequestOptions, SignedRequestKey, SignRequestInput, SignatureAlgorithm } from './signed-request/index.js';
export { webhookSignature, signWebhook } from './webhook/index.js';
export type { WebhookSignatureOptions, SignWebhookInput, SignedWebhook } from './webhook/index.js';

export { clientCertificate } from './mtls/index.js';
export type { ClientCertificateOptions, ClientCertificateHeaderOptions, ClientCertificateRefusal } from './mtls/index.js';
