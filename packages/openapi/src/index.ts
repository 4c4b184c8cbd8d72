// The public API of @portcullis/openapi. Every export is listed here explicitly and snapshot-tested.

export { openapi } from './openapi-guard.js';
export type {
  OpenApiOptions,
  OperationPolicy,
  SchemeVerifier,
  UndocumentedMode,
  ResponseValidationMode,
} from './options.js';
export { openapiRequest } from './request-data.js';
export type { OpenApiRequestData } from './request-data.js';
export type { ParameterValues } from './parameters/parameter-validator.js';
export { checkContract } from './check-contract.js';
export type { ContractReport, ContractProblem } from './check-contract.js';
export { operationIdType } from './operation-types.js';
export { OPENAPI_DENY_CODES } from './codes.js';
export type { OpenApiDenyCode } from './codes.js';
export { DocumentError } from './document/types.js';
export type { DocumentWarning, OpenApiVersion } from './document/types.js';
export type { OpenApiSource } from './document/load-document.js';
export type { ValidationIssue } from './schema/types.js';
