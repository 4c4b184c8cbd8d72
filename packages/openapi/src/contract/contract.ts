import { loadDocument, type OpenApiSource } from '../document/load-document.js';
import { DocumentError, type DocumentWarning, type LoadedDocument } from '../document/types.js';
import { basePathsOf } from '../routing/base-paths.js';
import { ContractRouter } from '../routing/contract-router.js';
import { parsePathTemplate, splitPathKey } from '../routing/path-template.js';
import { readSchemes, resolveRequirements, type OperationSecurity, type SchemeInfo } from '../security/requirements.js';
import { OPERATION_METHODS } from './http-methods.js';
import { childPointer, isObject, resolveRef } from './refs.js';

/** One documented operation, before its schemas are compiled. */
export interface OperationEntry {
  /** `operationId`, or `METHOD /template` when the document gives none. */
  readonly id: string;
  readonly operationId: string | undefined;
  /** Upper-case. */
  readonly method: string;
  /** The path template without base path (`/pets/{id}`). */
  readonly template: string;
  readonly pathItemPointer: string;
  readonly operationPointer: string;
  /** The document's security for this operation (operation-level over root-level). */
  readonly security: OperationSecurity;
}

/** The document, loaded, with its route table: what the guard compiles at start-up. */
export interface Contract {
  readonly document: LoadedDocument;
  readonly router: ContractRouter<OperationEntry>;
  readonly operations: readonly OperationEntry[];
  readonly byOperationId: ReadonlyMap<string, OperationEntry>;
  readonly basePaths: readonly string[];
  readonly schemes: ReadonlyMap<string, SchemeInfo>;
  readonly warnings: readonly DocumentWarning[];
}

export interface ContractOptions {
  readonly baseDir: string | undefined;
  /** Overrides the document's servers. */
  readonly basePath: readonly string[] | undefined;
}

/** Loads the document and builds its route table. Throws DocumentError (with a location) on a document that cannot be enforced. */
export function buildContract(source: OpenApiSource, options: ContractOptions): Contract {
  const document = loadDocument(source, options.baseDir === undefined ? {} : { baseDir: options.baseDir });
  const warnings: DocumentWarning[] = [...document.warnings];
  const basePaths = options.basePath ?? basePathsOf(document.root['servers'], (p) => document.describe(p), warnings);
  const schemes = readSchemes(document);
  const rootSecurity = document.root['security'];
  const router = new ContractRouter<OperationEntry>();
  const operations: OperationEntry[] = [];
  const byOperationId = new Map<string, OperationEntry>();
  const paths = document.root['paths'];
  if (isObject(paths)) {
    for (const key of Object.keys(paths)) {
      if (key.startsWith('x-')) continue;
      const keyPointer = childPointer('#/paths', key);
      const { path, suffix } = splitPathKey(key);
      const parsed = parsePathTemplate(path);
      if (!parsed.ok) throw new DocumentError(document.describe(keyPointer), parsed.problem);
      const { value: item, pointer: itemPointer } = resolveRef(document, keyPointer);
      if (!isObject(item)) throw new DocumentError(document.describe(keyPointer), 'expected a Path Item Object');
      for (const method of OPERATION_METHODS) {
        const operation = item[method];
        if (operation === undefined) continue;
        const operationPointer = childPointer(itemPointer, method);
        if (!isObject(operation)) throw new DocumentError(document.describe(operationPointer), 'expected an Operation Object');
        const operationId = typeof operation['operationId'] === 'string' ? operation['operationId'] : undefined;
        const upper = method.toUpperCase();
        const declared = operation['security'] !== undefined ? operation['security'] : rootSecurity;
        const declaredAt = operation['security'] !== undefined ? childPointer(operationPointer, 'security') : '#/security';
        const entry: OperationEntry = {
          id: operationId ?? `${upper} ${parsed.value.template}`,
          operationId,
          method: upper,
          template: parsed.value.template,
          pathItemPointer: itemPointer,
          operationPointer,
          security: resolveRequirements(declared, schemes, (index, scheme) => document.describe(childPointer(declaredAt, index, ...(scheme === '' ? [] : [scheme])))),
        };
        const existing = router.add(parsed.value, upper, entry);
        if (existing !== undefined) {
          // Box tells operations on one path apart with `#fragment` keys, OpenAI with `?query` keys:
          // requests cannot, so the first one documented answers for the path and method.
          warnings.push({
            code: 'duplicate-operation',
            location: document.describe(operationPointer),
            message: `${upper} ${parsed.value.template} is already documented by ${existing.value.id}${suffix === undefined ? '' : ` (this key's "${suffix}" suffix is not part of the path requests use)`}; requests are checked against ${existing.value.id}`,
          });
          continue;
        }
        if (operationId !== undefined) {
          const twin = byOperationId.get(operationId);
          if (twin !== undefined) {
            throw new DocumentError(document.describe(childPointer(operationPointer, 'operationId')), `operationId "${operationId}" is also used by ${twin.method} ${twin.template}`);
          }
          byOperationId.set(operationId, entry);
        }
        operations.push(entry);
      }
    }
  }
  return { document, router, operations, byOperationId, basePaths, schemes, warnings };
}

