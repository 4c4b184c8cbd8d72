// The public API of @portcullis/express. Every export is listed here explicitly.
import './augment.js';

export { portcullis } from './middleware.js';
export type { ExpressAdapterOptions } from './options.js';
