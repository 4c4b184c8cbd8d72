export { clientCertificate } from './client-certificate-guard.js';
export type { ClientCertificateRefusal } from './client-certificate-guard.js';
export type { ClientCertificateOptions, ClientCertificateHeaderOptions } from './options.js';
