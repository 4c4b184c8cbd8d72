// The public API of @portcullis/koa. Every export is listed here explicitly.
import './augment.js';

export { portcullis } from './middleware.js';
export type { KoaAdapterOptions } from './options.js';
