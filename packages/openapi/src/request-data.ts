import type { Decision } from '@portcullis/core';
import type { ParameterValues } from './parameters/parameter-validator.js';

/** What the contract guard hands on to the handler for a request it allowed. */
export interface OpenApiRequestData {
  /** The operation's `operationId`, or `METHOD /template` when the document gives none. */
  readonly operationId: string;
  /**
   * The parameters as validated: typed where the schema says so (`?limit=10` is the number 10,
   * `?tags=a,b` an array), by location and name. Header names are as the document declares them.
   * Defaults of the schema are not filled in.
   */
  readonly parameters: Readonly<ParameterValues>;
}

/** The key of `Decision.data` the contract guard writes under. */
export const OPENAPI_DATA_KEY = 'openapi';

/**
 * The validated, typed parameters of a request the contract guard allowed, from the decision the
 * adapter exposes (`req.portcullis`, `request.portcullis`, `ctx.state.portcullis`,
 * `c.get('portcullis')`); undefined when the guard did not validate this request.
 */
export function openapiRequest(decision: Decision | undefined): OpenApiRequestData | undefined {
  const data = decision?.data[OPENAPI_DATA_KEY];
  return data === undefined ? undefined : (data as OpenApiRequestData);
}
