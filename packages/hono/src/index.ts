// The public API of @portcullis/hono. Every export is listed explicitly.
export { portcullis } from './middleware.js';
export type { PortcullisHonoOptions } from './options.js';
