import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDocument } from './bundle.js';
import { readAndParseFile } from './parse-source.js';
import { DocumentError, type LoadedDocument, type OpenApiVersion } from './types.js';
import { validateStructure } from './validate-structure.js';
import { WarningList } from './warning-list.js';
import type { OpenAPIV3, OpenAPIV3_1 } from 'openapi-types';

/** A file path (`.json`, `.yaml`, `.yml`; other names are tried as JSON, then YAML), a `file:` URL, or the document object. */
/**
 * A file path (`.json`, `.yaml`, `.yml`), a `file:` URL, or the document object (typed with
 * openapi-types' `OpenAPIV3.Document` / `OpenAPIV3_1.Document`, or as plain data).
 */
export type OpenApiSource = string | URL | OpenAPIV3.Document | OpenAPIV3_1.Document | Readonly<Record<string, unknown>>;

export interface LoadOptions {
  /**
   * Directory against which relative external `$ref`s of an object source resolve. Default:
   * process.cwd(). A file source always resolves against its own directory.
   */
  readonly baseDir?: string;
}

/** How an object source is named in locations (`document#/paths/...`). */
export const OBJECT_SOURCE_LABEL = 'document';

/**
 * Loads an OpenAPI 3.0/3.1 document: parses it, bundles every external `$ref` into the root,
 * and checks the structure the firewall relies on. Synchronous, because the firewall compiles
 * its policy synchronously. Throws DocumentError, located, for every problem.
 */
export function loadDocument(source: OpenApiSource, options: LoadOptions = {}): LoadedDocument {
  const warnings = new WarningList();
  let root: unknown;
  let rootFile: string | undefined;
  let rootLabel: string;
  let baseDir: string;
  if (typeof source === 'string' || source instanceof URL) {
    rootFile = filePathOf(source);
    rootLabel = basename(rootFile);
    baseDir = dirname(rootFile);
    const parsed = readAndParseFile(rootFile, rootLabel);
    for (const warning of parsed.warnings) warnings.add(warning);
    root = parsed.value;
  } else {
    root = source;
    rootLabel = OBJECT_SOURCE_LABEL;
    baseDir = resolve(options.baseDir ?? process.cwd());
  }

  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new DocumentError(`${rootLabel}#`, 'an OpenAPI document must be an object');
  }
  const document = root as Readonly<Record<string, unknown>>;
  const version = versionOf(document, rootLabel);
  const bundle = bundleDocument({ root: document, rootOwned: rootFile !== undefined, rootFile, rootLabel, baseDir, version, warnings });
  validateStructure({ root: bundle.root, version, describe: bundle.describe, warnings });
  return {
    version,
    root: bundle.root,
    describe: bundle.describe,
    warnings: warnings.toArray(`${rootLabel}#`),
  };
}

function filePathOf(source: string | URL): string {
  if (typeof source === 'string') return resolve(source);
  if (source.protocol !== 'file:') {
    throw new DocumentError(source.protocol, 'only file: URLs are loaded; fetch a remote document yourself and pass the object');
  }
  return fileURLToPath(source);
}

function versionOf(document: Readonly<Record<string, unknown>>, label: string): OpenApiVersion {
  const openapi = document['openapi'];
  if (openapi === undefined && document['swagger'] !== undefined) {
    throw new DocumentError(
      `${label}#/swagger`,
      'Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 (e.g. with swagger2openapi)',
    );
  }
  if (typeof openapi === 'string') {
    const match = /^3\.([01])\.\d+(-[0-9A-Za-z.-]+)?$/.exec(openapi);
    if (match !== null) return match[1] === '0' ? '3.0' : '3.1';
  }
  throw new DocumentError(`${label}#/openapi`, '`openapi` must be a 3.0.x or 3.1.x version string (e.g. "3.1.0")');
}
