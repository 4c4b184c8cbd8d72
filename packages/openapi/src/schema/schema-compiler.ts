import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { DocumentError, type DocumentWarning, type LoadedDocument } from '../document/types.js';
import { AJV_FORMAT_NAMES, createAjv } from './ajv-instance.js';
import { SchemaInspector, isRawSchema } from './schema-inspector.js';
import { canonicalPointer, resolvePointer } from './schema-pointer.js';
import { SchemaTransformer, type SchemaVariant, type TransformHost } from './schema-transform.js';
import type { CompiledSchema, SchemaDirection, ValidationIssue } from './types.js';
import { toValidationIssues } from './validation-issues.js';

export interface SchemaCompilerOptions {
  /**
   * Mass-assignment protection: objects without `additionalProperties` (and without
   * unevaluated/patternProperties) are closed. Default false. Correct across allOf composition
   * (`unevaluatedProperties: false` at the outermost schema only).
   */
  readonly closedObjects: boolean;
  /** User formats, by name; they override/add to ajv-formats. */
  readonly formats: Readonly<Record<string, RegExp | ((value: string) => boolean)>>;
  /** Cap on issues returned per validation (e.g. 20). */
  readonly maxIssues: number;
}

/** Where ajv finds the transformed schemas; never fetched, only a namespace for ids. */
const ID_BASE = 'https://portcullis.invalid/schemas/';

/** Everything one direction owns: its ajv instance and which document schemas it holds. */
class DirectionState {
  readonly ids = new Map<string, string>();
  readonly added = new Set<string>();
  readonly pending: { readonly key: string; readonly pointer: string; readonly variant: SchemaVariant }[] = [];
  readonly pendingKeys = new Set<string>();
  readonly compiled = new Map<string, CompiledSchema>();
  readonly formats = new Set<string>();
  readonly transformer: SchemaTransformer;

  constructor(
    readonly ajv: Ajv2020,
    host: (state: DirectionState) => TransformHost,
  ) {
    this.transformer = new SchemaTransformer(host(this));
  }

  /** The id of a document schema's variant, queued for adding when new. */
  reference(pointer: string, variant: SchemaVariant): string {
    const key = `${variant} ${pointer}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = `${ID_BASE}${this.ids.size}${variant === 'closed' ? '/closed' : ''}`;
      this.ids.set(key, id);
    }
    if (!this.added.has(key) && !this.pendingKeys.has(key)) {
      this.pendingKeys.add(key);
      this.pending.push({ key, pointer, variant });
    }
    return id;
  }
}

/**
 * Compiles the document's schema objects into validators. Both OpenAPI 3.0 and 3.1 schemas are
 * transformed into JSON Schema 2020-12 and compiled by one Ajv2020 instance per direction; each
 * document schema reached is transformed once per direction (lazily) and added under a stable id,
 * and every `$ref` becomes a reference to that id — so shared components compile once and cyclic
 * references work. Decisions: docs/openapi-schema-decisions.md.
 */
export class SchemaCompiler {
  private readonly document: LoadedDocument;
  private readonly options: SchemaCompilerOptions;
  private readonly inspector: SchemaInspector;
  private readonly warningsByKey = new Map<string, DocumentWarning>();
  private readonly warnedNames = new Set<string>();
  private readonly legacyPatterns = new Set<string>();
  private readonly states: Readonly<Record<SchemaDirection, DirectionState>>;

  constructor(document: LoadedDocument, options: SchemaCompilerOptions) {
    if (!Number.isInteger(options.maxIssues) || options.maxIssues < 1) {
      throw new TypeError('SchemaCompiler: maxIssues must be a positive integer');
    }
    this.document = document;
    this.options = options;
    this.inspector = new SchemaInspector(document.root, document.version);
    this.states = { request: this.createState('request'), response: this.createState('response') };
  }

  /** Every warning so far, deduplicated by (code, location). */
  get warnings(): readonly DocumentWarning[] {
    return [...this.warningsByKey.values()];
  }

  /**
   * Compiles the schema object at internal pointer `pointer` of `document.root` for a direction.
   * Cached per (pointer, direction). Throws DocumentError when a schema cannot be enforced.
   */
  compile(pointer: string, direction: SchemaDirection): CompiledSchema {
    const canonical = canonicalPointer(pointer);
    if (canonical === undefined) throw new DocumentError(this.document.describe(pointer), 'not a JSON pointer');
    const state = this.states[direction];
    const cached = state.compiled.get(canonical);
    if (cached !== undefined) return cached;

    const node = resolvePointer(this.document.root, canonical);
    if (node === undefined) throw new DocumentError(this.document.describe(canonical), 'no schema at this location');
    const closed = this.options.closedObjects && isRawSchema(node.value) && this.inspector.isClosable(node.value);
    const id = state.reference(canonical, closed ? 'closed' : 'open');
    this.addPending(state);
    let validateFunction: ValidateFunction | undefined;
    try {
      validateFunction = state.ajv.getSchema(id) as ValidateFunction | undefined;
    } catch (error) {
      throw new DocumentError(this.document.describe(canonical), `schema cannot be compiled (${errorText(error)})`);
    }
    if (validateFunction === undefined) throw new DocumentError(this.document.describe(canonical), 'schema cannot be compiled');
    const compiled = this.wrap(validateFunction);
    state.compiled.set(canonical, compiled);
    return compiled;
  }

  private wrap(validateFunction: ValidateFunction): CompiledSchema {
    const maxIssues = this.options.maxIssues;
    return {
      validate(value: unknown, prefix: string): readonly ValidationIssue[] | undefined {
        let valid: boolean;
        try {
          valid = validateFunction(value) as boolean;
        } catch (error) {
          // A recursive schema follows the input as deep as it goes; core's limits normally stop
          // such input first, but if the stack runs out the value is refused, not crashed on.
          if (error instanceof RangeError) return [{ pointer: prefix, keyword: 'maxDepth', message: 'is nested too deeply' }];
          throw error;
        }
        if (valid) return undefined;
        return toValidationIssues(validateFunction.errors ?? [], prefix, maxIssues);
      },
    };
  }

  /**
   * Transforms every schema referenced so far and not yet added (the work list grows as
   * references are met), then adds them all. All or nothing: when one schema cannot be enforced,
   * none of the batch stays in ajv, so no added schema ever refers to an id that is missing; a later
   * compile that reaches them transforms them again (and fails at the same place).
   */
  private addPending(state: DirectionState): void {
    const batch: { readonly key: string; readonly id: string; readonly pointer: string; readonly schema: Record<string, unknown> }[] = [];
    try {
      for (let entry = state.pending.shift(); entry !== undefined; entry = state.pending.shift()) {
        const id = state.ids.get(entry.key) as string;
        const schema =
          entry.variant === 'closed'
            ? { $id: id, $ref: state.reference(entry.pointer, 'open'), unevaluatedProperties: false }
            : withId(state.transformer.open(entry.pointer), id);
        batch.push({ key: entry.key, id, pointer: entry.pointer, schema });
      }
    } finally {
      state.pending.length = 0;
      state.pendingKeys.clear();
    }
    const addedNow: string[] = [];
    for (const item of batch) {
      try {
        state.ajv.addSchema(item.schema, item.id);
        addedNow.push(item.id);
      } catch (error) {
        for (const id of addedNow) state.ajv.removeSchema(id);
        throw new DocumentError(this.document.describe(item.pointer), `schema is not valid JSON Schema (${errorText(error)})`);
      }
    }
    for (const item of batch) state.added.add(item.key);
  }

  private createState(direction: SchemaDirection): DirectionState {
    const ajv = createAjv({ direction, formats: this.options.formats, legacyPatterns: this.legacyPatterns });
    return new DirectionState(ajv, (state) => ({
      document: this.document,
      direction,
      closedObjects: this.options.closedObjects,
      inspector: this.inspector,
      warn: (code, pointer, message) => this.warn(code, pointer, message),
      warnOnce: (code, name, pointer, message) => {
        if (this.warnedNames.has(`${code} ${name}`)) return;
        this.warnedNames.add(`${code} ${name}`);
        this.warn(code, pointer, message);
      },
      reference: (pointer, variant) => state.reference(pointer, variant),
      useFormat: (format, pointer) => this.useFormat(state, format, pointer),
      allowLegacyPattern: (pattern) => this.legacyPatterns.add(pattern),
    }));
  }

  /** Unknown formats are not validated (ajv is told they always match), with one warning per format name. */
  private useFormat(state: DirectionState, format: string, pointer: string): void {
    if (AJV_FORMAT_NAMES.has(format) || Object.hasOwn(this.options.formats, format) || state.formats.has(format)) return;
    state.formats.add(format);
    state.ajv.addFormat(format, true);
    if (this.warnedNames.has(`unknown-format ${format}`)) return;
    this.warnedNames.add(`unknown-format ${format}`);
    this.warn('unknown-format', pointer, `format "${format}" is unknown and not validated (first use; give it in the \`formats\` option to validate it)`);
  }

  private warn(code: string, pointer: string, message: string): void {
    const location = this.document.describe(pointer);
    const key = `${code}\u0000${location}`;
    if (!this.warningsByKey.has(key)) this.warningsByKey.set(key, { code, location, message });
  }
}

function withId(schema: boolean | Record<string, unknown>, id: string): Record<string, unknown> {
  // A boolean schema cannot carry an id; `{}` / `{not: {}}` mean the same.
  if (schema === true) return { $id: id };
  if (schema === false) return { $id: id, not: {} };
  return { $id: id, ...schema };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
