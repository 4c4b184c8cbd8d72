import type { OpenApiVersion } from '../document/types.js';
import { refPointer, resolvePointer } from './schema-pointer.js';

/** A schema object as found in the document: untrusted shape, read through own properties only. */
export type RawSchema = Readonly<Record<string, unknown>>;

export function isRawSchema(value: unknown): value is RawSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function ownValue(node: RawSchema, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

/** Bound on `$ref` → `$ref` → ... chains and on composition depth when inspecting (cycles are cut by `visited` too). */
const MAX_INSPECTION_DEPTH = 64;

/**
 * Questions about untransformed schemas that the transform needs to answer about a whole
 * composition — "is this object closable", "is property `id` read-only here" — following `$ref`
 * and `allOf` the way the validator will.
 */
export class SchemaInspector {
  private readonly closable = new WeakMap<RawSchema, boolean>();

  constructor(
    private readonly root: unknown,
    private readonly version: OpenApiVersion,
  ) {}

  /** The schema an internal `$ref` of `node` points to, if it has one that resolves. */
  refTarget(node: RawSchema): RawSchema | undefined {
    const ref = ownValue(node, '$ref');
    if (typeof ref !== 'string') return undefined;
    const pointer = refPointer(ref);
    if (pointer === undefined) return undefined;
    const target = resolvePointer(this.root, pointer)?.value;
    return isRawSchema(target) ? target : undefined;
  }

  /**
   * The schemas whose properties count as this schema's own: itself (unless it is a 3.0 `$ref`,
   * whose siblings are ignored), its `$ref` target, and its `allOf` members.
   */
  private contributors(node: RawSchema): RawSchema[] {
    const out: RawSchema[] = [];
    const target = this.refTarget(node);
    if (target === undefined || this.version === '3.1') {
      out.push(node);
      const allOf = ownValue(node, 'allOf');
      if (Array.isArray(allOf)) for (const member of allOf) if (isRawSchema(member)) out.push(member);
    }
    if (target !== undefined) out.push(target);
    return out;
  }

  /**
   * Whether closed-objects mode should close this schema: it declares properties (itself or
   * through `$ref` / `allOf` / `anyOf` / `oneOf`) and says nothing about other properties itself
   * (`additionalProperties`, `unevaluatedProperties`, `patternProperties`). A bare
   * `{type: object}` or `properties: {}` declares nothing and stays a free-form object: closing it
   * would accept only `{}`, never what its author meant.
   */
  isClosable(node: RawSchema): boolean {
    const cached = this.closable.get(node);
    if (cached !== undefined) return cached;
    const result =
      !['additionalProperties', 'unevaluatedProperties', 'patternProperties'].some((key) => Object.hasOwn(node, key)) &&
      this.declaresProperties(node, new Set(), 0);
    this.closable.set(node, result);
    return result;
  }

  private declaresProperties(node: RawSchema, visited: Set<RawSchema>, depth: number): boolean {
    if (visited.has(node) || depth > MAX_INSPECTION_DEPTH) return false;
    visited.add(node);
    const target = this.refTarget(node);
    if (target !== undefined && this.declaresProperties(target, visited, depth + 1)) return true;
    if (target !== undefined && this.version === '3.0') return false;
    const properties = ownValue(node, 'properties');
    if (isRawSchema(properties) && Object.keys(properties).length > 0) return true;
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      const members = ownValue(node, key);
      if (!Array.isArray(members)) continue;
      for (const member of members) {
        if (isRawSchema(member) && this.declaresProperties(member, visited, depth + 1)) return true;
      }
    }
    return false;
  }

  /**
   * Whether property `name`, as declared by `node` or its `$ref` / `allOf` contributors, carries
   * `flag: true` (`readOnly` / `writeOnly`) — on the property schema itself, behind its `$ref`, or in
   * its `allOf` members.
   */
  propertyHasFlag(node: RawSchema, name: string, flag: 'readOnly' | 'writeOnly'): boolean {
    return this.propertyHasFlagIn(node, name, flag, new Set(), 0);
  }

  private propertyHasFlagIn(node: RawSchema, name: string, flag: string, visited: Set<RawSchema>, depth: number): boolean {
    if (visited.has(node) || depth > MAX_INSPECTION_DEPTH) return false;
    visited.add(node);
    for (const contributor of this.contributors(node)) {
      if (contributor !== node) {
        if (this.propertyHasFlagIn(contributor, name, flag, visited, depth + 1)) return true;
        continue;
      }
      const properties = ownValue(node, 'properties');
      if (!isRawSchema(properties)) continue;
      const property = ownValue(properties, name);
      if (isRawSchema(property) && this.schemaHasFlag(property, flag, new Set(), 0)) return true;
    }
    return false;
  }

  /** Whether a schema (through `$ref` and `allOf`) carries `flag: true`. */
  schemaHasFlag(node: RawSchema, flag: string, visited: Set<RawSchema>, depth: number): boolean {
    if (visited.has(node) || depth > MAX_INSPECTION_DEPTH) return false;
    visited.add(node);
    for (const contributor of this.contributors(node)) {
      if (contributor === node) {
        if (ownValue(node, flag) === true) return true;
      } else if (this.schemaHasFlag(contributor, flag, visited, depth + 1)) {
        return true;
      }
    }
    return false;
  }
}
