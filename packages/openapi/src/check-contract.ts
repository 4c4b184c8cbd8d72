import { buildContract } from './contract/contract.js';
import { OperationRuntime } from './contract/operation-runtime.js';
import { DocumentError, type DocumentWarning } from './document/types.js';
import { readOptions, type OpenApiOptions } from './options.js';
import { SchemaCompiler } from './schema/schema-compiler.js';
import { credentialQueryNames } from './security/requirements.js';
import { suggestionFor } from './suggest.js';

export interface ContractProblem {
  /** Where: a document location (`api.yaml#/paths/~1pets/get`) or a policy path (`operations.getPet`). */
  readonly location: string;
  readonly message: string;
}

export interface ContractReport {
  /** True when the guard would compile and every operation's validators would compile. */
  readonly ok: boolean;
  readonly operations: number;
  readonly errors: readonly ContractProblem[];
  readonly warnings: readonly DocumentWarning[];
}

/**
 * Compiles everything the guard would, eagerly, without a firewall: every operation's parameters,
 * request bodies and responses. Unlike the guard, it does not stop at the first problem. For CI and
 * for `compile: 'lazy'` policies, whose compile failures would otherwise surface on first use.
 * (Security verifiers are guards, compiled by the firewall; they are not checked here.)
 */
export function checkContract<OperationId extends string = string>(options: OpenApiOptions<OperationId>): ContractReport {
  const o = readOptions(options, 'openapi');
  const errors: ContractProblem[] = [];
  let contract;
  try {
    contract = buildContract(o.document, { baseDir: o.baseDir, basePath: o.basePath });
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    return { ok: false, operations: 0, errors: [problemOf(error)], warnings: [] };
  }
  for (const id of o.operations.keys()) {
    if (!contract.byOperationId.has(id)) errors.push({ location: `operations.${id}`, message: `no operation of the document has this operationId${suggestionFor(id, [...contract.byOperationId.keys()])}` });
  }
  const compiler = new SchemaCompiler(contract.document, { closedObjects: o.closedObjects, formats: o.formats, maxIssues: o.maxErrors });
  for (const entry of contract.operations) {
    const runtime = new OperationRuntime(entry, contract.document, compiler, o, undefined, entry.security, new Map(), credentialQueryNames(contract.schemes));
    try {
      runtime.compileAll(true);
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      errors.push(problemOf(error));
    }
  }
  return { ok: errors.length === 0, operations: contract.operations.length, errors, warnings: [...contract.warnings, ...compiler.warnings] };
}

function problemOf(error: DocumentError): ContractProblem {
  return { location: error.location, message: error.message.slice(error.location.length + 2) };
}
