// The public API of @portcullis/fastify. Every export is listed explicitly.
export { portcullis, portcullisFrameworkErrors } from './plugin.js';
export type { PortcullisFastifyOptions } from './plugin.js';
export type { FastifyRoutePortcullis } from './augment.js';
export { portcullis as default } from './plugin.js';
