import { DocumentError, type LoadedDocument } from '../document/types.js';
import { hasNestedQuantifier, patternSyntax } from './pattern-checks.js';
import { isRawSchema, ownValue, type RawSchema, type SchemaInspector } from './schema-inspector.js';
import { ancestorsOf, childOf, refPointer, resolvePointer } from './schema-pointer.js';
import type { SchemaDirection } from './types.js';
import { EMPTY_ENUM_KEYWORD } from './validation-issues.js';

/** A JSON Schema 2020-12 schema as handed to ajv. */
export type JsonSchema = boolean | Record<string, unknown>;

/** Which transformed copy of a document schema a reference needs (see SchemaCompilerOptions.closedObjects). */
export type SchemaVariant = 'open' | 'closed';

/** What the transform needs from the compiler around it. */
export interface TransformHost {
  readonly document: LoadedDocument;
  readonly direction: SchemaDirection;
  readonly closedObjects: boolean;
  readonly inspector: SchemaInspector;
  /** A warning about the document at `pointer` (deduplicated by code and location). */
  warn(code: string, pointer: string, message: string): void;
  /** A warning given once per `name` (an unknown keyword or format), at its first location. */
  warnOnce(code: string, name: string, pointer: string, message: string): void;
  /** The ajv id of the transformed schema at `pointer`, which the compiler adds if it is new. */
  reference(pointer: string, variant: SchemaVariant): string;
  /** Declares that `format` is used at `pointer` (the compiler registers unknown ones). */
  useFormat(format: string, pointer: string): void;
  /** Declares a pattern that must be compiled without the `u` flag. */
  allowLegacyPattern(pattern: string): void;
}

/** Where a subschema sits: a closing position is validated on its own (property value, items, root); a member is combined with siblings (allOf/anyOf/oneOf, not, if/then/else...). */
type Position = 'closing' | 'member';

/**
 * Keywords dropped without a word: annotations (they never change validity), OpenAPI's own
 * schema extras, and keywords whose job is done by the loader (`$id`, `$anchor`: every `$ref` is
 * already an internal pointer). `example`/`examples` are never handed to ajv, so `$id` values
 * inside example data (Box) cannot register as schema ids. `discriminator` is a hint: the
 * `oneOf`/`anyOf` beside it keeps its JSON Schema meaning (docs/openapi-schema-decisions.md).
 */
const DROPPED_KEYWORDS = new Set([
  'title', 'description', 'default', 'example', 'examples', 'deprecated', 'externalDocs', 'xml',
  'discriminator', '$comment', '$schema', '$id', '$anchor', '$defs', 'definitions', '$vocabulary',
  'contentMediaType', 'contentEncoding', 'contentSchema', '$recursiveAnchor', '$dynamicAnchor', 'summary',
  // Applied after the loop, once `type` and `enum` are known.
  'nullable',
]);

/** Siblings of a 3.0 `$ref` that are pure documentation: ignoring them changes nothing. */
const DOCUMENTATION_ONLY = new Set(['description', 'title', 'summary', 'example', 'examples', 'externalDocs', 'deprecated']);

const NUMBER_KEYWORDS = ['multipleOf', 'maximum', 'minimum'] as const;
const COUNT_KEYWORDS = [
  'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains',
] as const;
const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Bound on inline nesting inside one schema (references restart the count; cycles go through references). */
const MAX_INLINE_DEPTH = 256;

/**
 * Turns one OpenAPI 3.0 / 3.1 schema object into JSON Schema 2020-12 for one direction. Every
 * `$ref` becomes a reference to the id under which the compiler adds the transformed target, so a
 * shared component is transformed and compiled once per direction, and cycles compile.
 */
export class SchemaTransformer {
  constructor(private readonly host: TransformHost) {}

  /** The open variant of the schema at `pointer`: not closed at its top (its properties' schemas are). */
  open(pointer: string): JsonSchema {
    const node = resolvePointer(this.host.document.root, pointer);
    if (node === undefined) throw this.error(pointer, 'no schema at this location');
    return this.transform(node.value, pointer, 'member', undefined, 0);
  }

  private transform(value: unknown, pointer: string, position: Position, composite: RawSchema | undefined, depth: number): JsonSchema {
    if (typeof value === 'boolean') return value;
    if (!isRawSchema(value)) throw this.error(pointer, 'a schema must be an object or a boolean');
    if (depth > MAX_INLINE_DEPTH) throw this.error(pointer, 'schema nesting is too deep');
    const node = value;

    const refs = this.referencesOf(node, pointer);
    if (refs.length === 1 && this.onlyReference(node, pointer)) {
      return this.referenceTo(refs[0] as string, position);
    }

    const out: Record<string, unknown> = {};
    const allOfRefs = refs.map((target) => ({ $ref: this.host.reference(target, 'open') }));
    if (allOfRefs.length === 1) out['$ref'] = (allOfRefs[0] as { $ref: string }).$ref;
    let types: string[] | undefined;
    let enumValues: unknown[] | undefined;

    for (const key of Object.keys(node)) {
      const child = node[key];
      const at = childOf(pointer, key);
      if (key.startsWith('x-') || DROPPED_KEYWORDS.has(key)) continue;
      switch (key) {
        case '$ref':
        case '$recursiveRef':
        case '$dynamicRef':
          break;
        case 'type':
          types = this.types(child, at);
          break;
        case 'enum':
          enumValues = this.enumValues(child, at);
          break;
        case 'const':
          out['const'] = child;
          break;
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
          if (typeof child === 'number') out[key] = child;
          else if (typeof child !== 'boolean') throw this.error(at, `${key} must be a number (or a boolean in OpenAPI 3.0)`);
          break;
        case 'uniqueItems':
          if (typeof child !== 'boolean') throw this.error(at, 'uniqueItems must be a boolean');
          if (child) out[key] = true;
          break;
        case 'pattern':
          out[key] = this.pattern(child, at);
          break;
        case 'format':
          if (typeof child !== 'string') throw this.error(at, 'format must be a string');
          this.host.useFormat(child, at);
          out[key] = child;
          break;
        case 'required':
          break; // after the loop: it depends on the properties' readOnly/writeOnly
        case 'dependentRequired':
          if (!isRawSchema(child)) throw this.error(at, 'dependentRequired must be an object');
          out[key] = child;
          break;
        case 'properties':
        case 'patternProperties':
        case 'dependentSchemas':
          out[key] = this.schemaMap(key, child, at, depth);
          break;
        case 'additionalProperties':
        case 'unevaluatedProperties':
        case 'unevaluatedItems':
          out[key] = this.transform(child, at, 'closing', undefined, depth + 1);
          break;
        case 'items':
          if (Array.isArray(child)) {
            this.host.warn('tuple-items', at, 'array-form `items` (draft-04 tuple) is applied as 2020-12 `prefixItems`');
            out['prefixItems'] = this.schemaList(child, at, 'closing', undefined, depth);
          } else {
            out[key] = this.transform(child, at, 'closing', undefined, depth + 1);
          }
          break;
        case 'prefixItems':
          out[key] = this.schemaList(child, at, 'closing', undefined, depth);
          break;
        case 'additionalItems':
          if (Array.isArray(ownValue(node, 'items'))) out['items'] = this.transform(child, at, 'closing', undefined, depth + 1);
          else this.host.warnOnce('unknown-keyword', key, at, 'keyword `additionalItems` without array-form `items` has no effect in JSON Schema 2020-12; ignored');
          break;
        case 'allOf':
          out[key] = this.schemaList(child, at, 'member', composite ?? node, depth);
          break;
        case 'anyOf':
        case 'oneOf':
          out[key] = this.schemaList(child, at, 'member', undefined, depth);
          break;
        case 'not':
        case 'if':
        case 'then':
        case 'else':
        case 'contains':
        case 'propertyNames':
          out[key] = this.transform(child, at, 'member', undefined, depth + 1);
          break;
        case 'readOnly':
        case 'writeOnly':
          if (typeof child !== 'boolean') throw this.error(at, `${key} must be a boolean`);
          if (child && key === (this.host.direction === 'request' ? 'readOnly' : 'writeOnly')) out[key] = true;
          break;
        default:
          if ((NUMBER_KEYWORDS as readonly string[]).includes(key)) {
            if (typeof child !== 'number') throw this.error(at, `${key} must be a number`);
            out[key] = child;
          } else if ((COUNT_KEYWORDS as readonly string[]).includes(key)) {
            if (typeof child !== 'number' || !Number.isInteger(child) || child < 0) throw this.error(at, `${key} must be a non-negative integer`);
            out[key] = child;
          } else {
            this.host.warnOnce('unknown-keyword', key, at, `unknown schema keyword \`${key}\` is ignored (not part of OpenAPI or JSON Schema 2020-12)`);
          }
      }
    }
    if (allOfRefs.length > 1) out['allOf'] = [...allOfRefs, ...((out['allOf'] as unknown[] | undefined) ?? [])];

    this.exclusiveBound(node, pointer, out, 'exclusiveMinimum', 'minimum');
    this.exclusiveBound(node, pointer, out, 'exclusiveMaximum', 'maximum');
    this.required(node, pointer, out, composite);

    const nullable = ownValue(node, 'nullable');
    if (nullable !== undefined && typeof nullable !== 'boolean') throw this.error(childOf(pointer, 'nullable'), 'nullable must be a boolean');
    if (nullable === true && this.host.document.version === '3.1') {
      this.host.warn('nullable-in-3.1', childOf(pointer, 'nullable'), 'OpenAPI 3.0 keyword `nullable` in a 3.1 document: applied with its 3.0 meaning (null is also allowed)');
    }
    // Keywords that could refuse null however `type` reads: then null needs its own branch.
    const refusesNullElsewhere = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'const'].some((key) => key in out);
    let wrapInNullable = false;
    if (nullable === true) {
      if (types !== undefined && !refusesNullElsewhere) {
        if (!types.includes('null')) types = [...types, 'null'];
        if (enumValues !== undefined && !enumValues.includes(null)) enumValues = [...enumValues, null];
      } else {
        wrapInNullable = true;
        if (types === undefined) {
          this.host.warn('nullable-without-type', childOf(pointer, 'nullable'), '`nullable: true` without `type`: null is allowed as well as what the rest of the schema allows (OpenAPI 3.0.3 would make it a no-op)');
        }
      }
    }
    if (types !== undefined) out['type'] = types.length === 1 ? types[0] : types;
    if (enumValues !== undefined) {
      if (enumValues.length === 0) {
        this.host.warn('empty-enum', childOf(pointer, 'enum'), '`enum: []` allows no value: any value here is refused');
        out[EMPTY_ENUM_KEYWORD] = true;
      } else {
        out['enum'] = enumValues;
      }
    }
    if (position === 'closing' && this.host.closedObjects && this.host.inspector.isClosable(node)) {
      out['unevaluatedProperties'] = false;
    }
    if (!wrapInNullable) return out;
    // readOnly/writeOnly must stay outside the null branch, or a read-only property sent as null would pass.
    const wrapper: Record<string, unknown> = { anyOf: [out, { type: 'null' }] };
    for (const flag of ['readOnly', 'writeOnly']) {
      if (flag in out) {
        wrapper[flag] = out[flag];
        delete out[flag];
      }
    }
    return wrapper;
  }

  /** The reference to the transformed target, closed when it stands alone and closing applies. */
  private referenceTo(target: string, position: Position): JsonSchema {
    const node = resolvePointer(this.host.document.root, target)?.value;
    const closed = position === 'closing' && this.host.closedObjects && isRawSchema(node) && this.host.inspector.isClosable(node);
    return { $ref: this.host.reference(target, closed ? 'closed' : 'open') };
  }

  /** The document pointers this node refers to through `$ref`, `$recursiveRef` or `$dynamicRef`. */
  private referencesOf(node: RawSchema, pointer: string): string[] {
    const out: string[] = [];
    const ref = ownValue(node, '$ref');
    if (ref !== undefined) {
      const at = childOf(pointer, '$ref');
      if (typeof ref !== 'string') throw this.error(at, '$ref must be a string');
      const target = refPointer(ref);
      if (target === undefined || resolvePointer(this.host.document.root, target) === undefined) {
        throw this.error(at, '$ref does not resolve to a location inside the document');
      }
      out.push(target);
    }
    const recursive = ownValue(node, '$recursiveRef');
    if (recursive !== undefined) out.push(this.recursiveTarget(recursive, pointer));
    const dynamic = ownValue(node, '$dynamicRef');
    if (dynamic !== undefined) out.push(this.dynamicTarget(dynamic, pointer));
    return out;
  }

  /**
   * `$recursiveRef: "#"` (2019-09, found in openai.json's CompoundFilter) becomes a static
   * reference to the nearest enclosing schema marked `$recursiveAnchor: true`. Nothing in an
   * OpenAPI document extends that schema dynamically, so the static reference means the same.
   */
  private recursiveTarget(value: unknown, pointer: string): string {
    const at = childOf(pointer, '$recursiveRef');
    if (value !== '#') throw this.error(at, '$recursiveRef must be "#"');
    for (const ancestor of ancestorsOf(pointer)) {
      const schema = resolvePointer(this.host.document.root, ancestor)?.value;
      if (isRawSchema(schema) && ownValue(schema, '$recursiveAnchor') === true) {
        this.host.warn('recursive-ref', at, '2019-09 `$recursiveRef` is applied as a reference to the enclosing schema marked `$recursiveAnchor: true`');
        return ancestor;
      }
    }
    throw this.error(at, '$recursiveRef has no enclosing schema with `$recursiveAnchor: true`');
  }

  /** `$dynamicRef: "#name"` becomes a static reference to the nearest enclosing `$dynamicAnchor: name` (same reasoning as $recursiveRef). */
  private dynamicTarget(value: unknown, pointer: string): string {
    const at = childOf(pointer, '$dynamicRef');
    if (typeof value !== 'string' || !value.startsWith('#')) throw this.error(at, '$dynamicRef must be an internal reference');
    const asPointer = refPointer(value);
    if (value.startsWith('#/') && asPointer !== undefined && resolvePointer(this.host.document.root, asPointer) !== undefined) return asPointer;
    const name = value.slice(1);
    for (const ancestor of ancestorsOf(pointer)) {
      const schema = resolvePointer(this.host.document.root, ancestor)?.value;
      if (isRawSchema(schema) && ownValue(schema, '$dynamicAnchor') === name) {
        this.host.warn('dynamic-ref', at, '`$dynamicRef` is applied as a static reference to the enclosing schema with the matching `$dynamicAnchor`');
        return ancestor;
      }
    }
    throw this.error(at, '$dynamicRef has no enclosing schema with a matching `$dynamicAnchor`');
  }

  /**
   * Whether a node is nothing but its reference (plus documentation). In 3.0 a `$ref`'s siblings
   * are ignored, as the specification says — with a warning when they would have constrained
   * something. In 3.1 siblings apply alongside the reference.
   */
  private onlyReference(node: RawSchema, pointer: string): boolean {
    const siblings = Object.keys(node).filter((key) => key !== '$ref' && key !== '$recursiveRef' && key !== '$dynamicRef' && !key.startsWith('x-'));
    if (siblings.every((key) => DOCUMENTATION_ONLY.has(key))) return true;
    if (this.host.document.version === '3.0' && Object.hasOwn(node, '$ref')) {
      this.host.warn('ref-siblings-ignored', pointer, 'keywords beside `$ref` are ignored in OpenAPI 3.0 (wrap them in `allOf` to apply them)');
      return true;
    }
    return false;
  }

  private types(value: unknown, at: string): string[] {
    const listed = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (listed === undefined || listed.some((name) => typeof name !== 'string')) throw this.error(at, 'type must be a string or an array of strings');
    const known = [...new Set(listed as string[])].filter((name) => JSON_TYPES.has(name));
    if (known.length !== listed.length) {
      if (known.length === 0) throw this.error(at, 'type names no JSON type');
      this.host.warn('unknown-type', at, 'unknown or repeated names in `type` are ignored');
    }
    return known;
  }

  /** Enum values, deduplicated by value (Kubernetes repeats some), since ajv refuses duplicates. */
  private enumValues(value: unknown, at: string): unknown[] {
    if (!Array.isArray(value)) throw this.error(at, 'enum must be an array');
    const seen = new Set<string>();
    const unique: unknown[] = [];
    for (const item of value) {
      const key = canonicalJson(item);
      if (seen.has(key)) continue;
      seen.add(key);
      unique.push(item);
    }
    if (unique.length !== value.length) this.host.warn('duplicate-enum', at, 'duplicate values in `enum` are ignored');
    return unique;
  }

  /** Checks a document regex: `u`-mode validity (else compiled without `u`, with a warning) and nested quantifiers (warning). */
  private pattern(value: unknown, at: string): string {
    if (typeof value !== 'string') throw this.error(at, 'pattern must be a string');
    const syntax = patternSyntax(value);
    if (syntax === 'invalid') throw this.error(at, 'pattern is not a valid regular expression');
    if (syntax === 'legacy-only') {
      this.host.allowLegacyPattern(value);
      this.host.warn('pattern-not-unicode', at, 'pattern is invalid with the `u` flag JSON Schema requires; it is enforced without `u` (check that it means what was intended)');
    }
    if (hasNestedQuantifier(value)) {
      this.host.warn('pattern-nested-quantifier', at, 'pattern repeats a group that itself repeats (nested quantifiers) and may backtrack badly on crafted input; bound the value with maxLength');
    }
    return value;
  }

  private schemaMap(keyword: string, value: unknown, at: string, depth: number): Record<string, JsonSchema> {
    if (!isRawSchema(value)) throw this.error(at, `${keyword} must be an object`);
    const out: Record<string, JsonSchema> = {};
    for (const name of Object.keys(value)) {
      if (keyword === 'patternProperties') this.pattern(name, at);
      if (name === '__proto__' && keyword === 'properties') {
        this.host.warn('unsupported-property-name', childOf(at, name), 'ajv never applies the schema of a property named `__proto__` (prototype-pollution guard): such a property is not validated, and is refused when objects are closed');
      }
      const position: Position = keyword === 'dependentSchemas' ? 'member' : 'closing';
      // defineProperty: a property literally named `__proto__` must stay a property.
      Object.defineProperty(out, name, {
        value: this.transform(value[name], childOf(at, name), position, undefined, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  private schemaList(value: unknown, at: string, position: Position, composite: RawSchema | undefined, depth: number): JsonSchema[] {
    if (!Array.isArray(value)) throw this.error(at, 'must be an array of schemas');
    return value.map((member, index) => this.transform(member, childOf(at, index), position, composite, depth + 1));
  }

  /**
   * Boolean `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0, draft-04; also found in 3.1
   * openai.json) become the numeric 2020-12 form.
   */
  private exclusiveBound(node: RawSchema, pointer: string, out: Record<string, unknown>, exclusive: string, inclusive: string): void {
    const flag = ownValue(node, exclusive);
    if (typeof flag !== 'boolean') return;
    const at = childOf(pointer, exclusive);
    if (this.host.document.version === '3.1') {
      this.host.warn('boolean-exclusive-bound', at, `boolean \`${exclusive}\` (OpenAPI 3.0 form) in a 3.1 document is applied with its 3.0 meaning`);
    }
    if (!flag) return;
    const limit = out[inclusive];
    if (typeof limit !== 'number') {
      this.host.warn('exclusive-bound-without-limit', at, `\`${exclusive}: true\` without \`${inclusive}\` has no effect`);
      return;
    }
    out[exclusive] = limit;
    delete out[inclusive];
  }

  /**
   * `required`, minus the properties that cannot be sent in this direction: a read-only property
   * is not required in a request (and is refused if present), a write-only one not in a response.
   */
  private required(node: RawSchema, pointer: string, out: Record<string, unknown>, composite: RawSchema | undefined): void {
    const required = ownValue(node, 'required');
    if (required === undefined) return;
    const at = childOf(pointer, 'required');
    if (!Array.isArray(required) || required.some((name) => typeof name !== 'string')) throw this.error(at, 'required must be an array of strings');
    const flag = this.host.direction === 'request' ? 'readOnly' : 'writeOnly';
    const inspector = this.host.inspector;
    const kept = [...new Set(required as string[])].filter(
      (name) => !inspector.propertyHasFlag(node, name, flag) && !(composite !== undefined && inspector.propertyHasFlag(composite, name, flag)),
    );
    if (kept.length > 0) out['required'] = kept;
  }

  private error(pointer: string, message: string): DocumentError {
    return new DocumentError(this.host.document.describe(pointer), message);
  }
}

/** A key equal for deep-equal JSON values (object keys sorted), for deduplicating enums. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
