/**
 * The contract between the loader and everything that reads the document (routing, parameters,
 * schemas, security). The loader bundles every external `$ref` into the root, so downstream code
 * only ever meets internal references (`#/...`).
 */

/** OpenAPI major.minor line the document declares (`openapi: 3.0.x` or `3.1.x`). */
export type OpenApiVersion = '3.0' | '3.1';

/**
 * A problem in the document that Portcullis works around deliberately (an unknown format, a
 * regular expression invalid under the `u` flag, `nullable` without `type`...). Reported once at
 * start-up as a diagnostic; the check it concerns is never silently disabled (docs/openapi.md).
 */
export interface DocumentWarning {
  /** Stable code, e.g. `nullable-without-type`, `unknown-format`, `pattern-not-unicode`. */
  readonly code: string;
  /** Where in the document, as the user knows it: `api.yaml#/components/schemas/Pet/properties/tag`. */
  readonly location: string;
  /** Fixed text saying what was found and what Portcullis does about it. */
  readonly message: string;
}

/** A document that cannot be enforced: a start-up error naming where. */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  /** Where in the document, as the user knows it (see DocumentWarning.location). */
  readonly location: string;

  constructor(location: string, message: string) {
    super(`${location}: ${message}`);
    this.location = location;
  }
}

export interface LoadedDocument {
  readonly version: OpenApiVersion;
  /**
   * The root document with every external reference bundled in. A new root object that shares
   * unchanged parts with the caller's object, so it is read-only (the caller's object is never
   * changed). Every `$ref` a validator follows is internal (`#/...`): external files are placed under
   * `#/x-portcullis-bundled/<n>`. Refs inside data (`example`, `x-` extensions) are left as written.
   * Refs may be circular.
   */
  readonly root: Readonly<Record<string, unknown>>;
  /**
   * Translates an internal pointer of `root` (`#/paths/~1pets/get`) into the location a user
   * recognises (`api.yaml#/paths/~1pets/get`, or `schemas/pet.yaml#/properties/id` for bundled
   * content). Used for every warning and error.
   */
  describe(pointer: string): string;
  /** Warnings found while loading (e.g. a `$ref` with siblings). */
  readonly warnings: readonly DocumentWarning[];
}
