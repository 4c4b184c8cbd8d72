// The webhook guard's public surface; re-exported by the package index.
export { webhookSignature } from './webhook-guard.js';
export type { WebhookSignatureOptions } from './webhook-guard.js';
export { signWebhook } from './sign-webhook.js';
export type { SignWebhookInput, SignedWebhook } from './sign-webhook.js';
