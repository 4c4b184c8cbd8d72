import { PolicyError, type PolicyPath } from '@portcullis/core';
import { DocumentError } from '../document/types.js';

/**
 * A document problem found while the policy compiles becomes a start-up error that names both the
 * policy path (`guards[2].document`) and the location in the document.
 */
export function asPolicyError(error: unknown, path: PolicyPath): unknown {
  if (error instanceof DocumentError) return new PolicyError(path, `${error.location}: ${error.message.slice(error.location.length + 2)}`);
  return error;
}
