/**
 * What a schema says about the *shape* of a value — which JSON types it admits, what its items and
 * properties are — read straight from the document, to turn strings from a URL, a header or a
 * form into the value the schema expects (`'5'` -> 5 only where the schema wants a number).
 *
 * This is guidance only: the schema validator runs afterwards and is the authority. A shape read
 * wrong (an exotic composition) can only make a valid request fail, never let an invalid one pass.
 * Every walk is bounded (ref hops, composition depth), and refs may be circular.
 */
import { resolveInternalRef, resolveTokens } from '../document/json-pointer.js';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

const JSON_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
const MAX_REF_HOPS = 32;
const MAX_COMPOSITION_DEPTH = 16;

type SchemaObject = Readonly<Record<string, unknown>>;

export interface SchemaView {
  /** The JSON types the schema admits; undefined when it does not constrain the type. */
  readonly types: ReadonlySet<JsonType> | undefined;
  /** The view of the array items. */
  items(): SchemaView;
  /** The view of one property's value (declared property, else `additionalProperties`). */
  property(name: string): SchemaView;
  /** The properties the schema declares, in document order. */
  propertyNames(): readonly string[];
  /** True when the schema explicitly admits undeclared properties (`additionalProperties` true or a schema, or `patternProperties`). */
  readonly openProperties: boolean;
}

const byDocument = new WeakMap<object, SchemaShapes>();

/** Reads schema shapes from one document root. */
export class SchemaShapes {
  /** The shared reader of a document root (views are computed once, on first use). */
  static of(root: object): SchemaShapes {
    let shapes = byDocument.get(root);
    if (shapes === undefined) byDocument.set(root, (shapes = new SchemaShapes(root)));
    return shapes;
  }

  readonly #root: unknown;
  readonly #types = new WeakMap<object, ReadonlySet<JsonType> | null>();
  /** Views by pointer (pointers come from the document, so this is bounded by it). */
  readonly #views = new Map<string, SchemaView>();

  constructor(root: unknown) {
    this.#root = root;
  }

  /** The view of the schema at an internal pointer (`#/...`, not percent-encoded); undefined pointer: any value. */
  at(pointer: string | undefined): SchemaView {
    if (pointer === undefined) return ANY_VIEW;
    let view = this.#views.get(pointer);
    if (view === undefined) this.#views.set(pointer, (view = this.#resolve(pointer)));
    return view;
  }

  #resolve(pointer: string): SchemaView {
    const tokens = pointer.startsWith('#/') ? pointer.slice(2).split('/').map(unescapeToken) : undefined;
    const found = tokens === undefined ? undefined : resolveTokens(this.#root, tokens);
    const schema = found === undefined ? undefined : this.#deref(found.value);
    return schema === undefined ? ANY_VIEW : this.#view([schema]);
  }

  #view(schemas: readonly SchemaObject[]): SchemaView {
    if (schemas.length === 0) return ANY_VIEW;
    let types: Set<JsonType> | undefined;
    let unconstrained = false;
    for (const schema of schemas) {
      const own = this.#typesOf(schema, 0);
      if (own === undefined) unconstrained = true;
      else for (const t of own) (types ??= new Set()).add(t);
    }
    return new LazyView(this, schemas, unconstrained ? undefined : (types ?? new Set()));
  }

  /** The view of the array items of these schemas. */
  itemsOf(schemas: readonly SchemaObject[]): SchemaView {
    return this.#view(this.#collect(schemas, (s) => (isSchema(s.items) ? [s.items] : [])));
  }

  /** The view of one property of these schemas: the declared one, else `additionalProperties`. */
  propertyOf(schemas: readonly SchemaObject[], name: string | undefined): SchemaView {
    return this.#view(
      this.#collect(schemas, (s) => {
        const properties = s.properties;
        if (name !== undefined && isSchema(properties) && Object.hasOwn(properties, name) && isSchema(properties[name])) return [properties[name]];
        return isSchema(s.additionalProperties) ? [s.additionalProperties] : [];
      }),
    );
  }

  /** Every schema these compose, themselves included. */
  membersOf(schemas: readonly SchemaObject[]): SchemaObject[] {
    return this.#collect(schemas, (s) => [s]);
  }

  /** Applies `pick` to each schema and to every schema it composes (`$ref`, allOf, anyOf, oneOf), dereferenced. */
  #collect(schemas: readonly SchemaObject[], pick: (schema: SchemaObject) => unknown[]): SchemaObject[] {
    const out: SchemaObject[] = [];
    const seen = new Set<SchemaObject>();
    const visit = (schema: SchemaObject, depth: number): void => {
      if (seen.has(schema) || depth > MAX_COMPOSITION_DEPTH) return;
      seen.add(schema);
      for (const picked of pick(schema)) {
        const resolved = this.#deref(picked);
        if (resolved !== undefined) out.push(resolved);
      }
      for (const member of this.#members(schema)) visit(member, depth + 1);
    };
    for (const schema of schemas) visit(schema, 0);
    return out;
  }

  #members(schema: SchemaObject): SchemaObject[] {
    const members: SchemaObject[] = [];
    if (typeof schema.$ref === 'string') {
      // 3.1 allows siblings beside `$ref`; #deref already followed a lone one.
      const target = this.#deref({ $ref: schema.$ref });
      if (target !== undefined) members.push(target);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[key];
      if (!Array.isArray(list)) continue;
      for (const member of list) {
        const resolved = this.#deref(member);
        if (resolved !== undefined) members.push(resolved);
      }
    }
    return members;
  }

  /** Follows a chain of lone `$ref`s; undefined for a non-schema or an unresolvable/circular chain. */
  #deref(value: unknown): SchemaObject | undefined {
    let current = value;
    for (let hops = 0; hops <= MAX_REF_HOPS; hops++) {
      if (!isSchema(current)) return undefined;
      const ref = current.$ref;
      if (typeof ref !== 'string' || Object.keys(current).length > 1) return current;
      const target = resolveInternalRef(this.#root, ref);
      if (target === undefined) return undefined;
      current = target.value;
    }
    return undefined;
  }

  /**
   * The types a schema admits: its own `type` (with 3.0 `nullable`, or those of its enum/const
   * values when it has no `type`), narrowed by each allOf member and by the union of its
   * anyOf/oneOf members. Undefined: unconstrained.
   */
  #typesOf(schema: SchemaObject, depth: number): ReadonlySet<JsonType> | undefined {
    const cached = this.#types.get(schema);
    if (cached !== undefined) return cached ?? undefined;
    if (depth > MAX_COMPOSITION_DEPTH) return undefined;
    // Marks the schema while it is computed: a circular composition counts as unconstrained.
    this.#types.set(schema, null);
    let types: ReadonlySet<JsonType> | undefined = ownTypes(schema);
    const narrow = (other: ReadonlySet<JsonType> | undefined): void => {
      if (other !== undefined) types = types === undefined ? other : intersect(types, other);
    };
    if (typeof schema.$ref === 'string') {
      const target = this.#deref({ $ref: schema.$ref });
      if (target !== undefined) narrow(this.#typesOf(target, depth + 1));
    }
    if (Array.isArray(schema.allOf)) {
      for (const member of schema.allOf) {
        const resolved = this.#deref(member);
        if (resolved !== undefined) narrow(this.#typesOf(resolved, depth + 1));
      }
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const list = schema[key];
      if (!Array.isArray(list) || list.length === 0) continue;
      let union: Set<JsonType> | undefined = new Set();
      for (const member of list) {
        const resolved = this.#deref(member);
        const memberTypes = resolved === undefined ? undefined : this.#typesOf(resolved, depth + 1);
        if (memberTypes === undefined) {
          union = undefined;
          break;
        }
        for (const t of memberTypes) union.add(t);
      }
      narrow(union);
    }
    this.#types.set(schema, types ?? null);
    return types;
  }
}

function ownTypes(schema: SchemaObject): Set<JsonType> | undefined {
  const declared = schema.type;
  let types: Set<JsonType> | undefined;
  if (typeof declared === 'string' && JSON_TYPES.has(declared)) types = new Set([declared as JsonType]);
  else if (Array.isArray(declared)) types = new Set(declared.filter((t): t is JsonType => typeof t === 'string' && JSON_TYPES.has(t)));
  if (types !== undefined) {
    if (schema.nullable === true) types.add('null');
    return types;
  }
  const values = Array.isArray(schema.enum) ? schema.enum : Object.hasOwn(schema, 'const') ? [schema.const] : undefined;
  if (values === undefined) return undefined;
  types = new Set();
  for (const value of values) types.add(typeOfValue(value));
  return types;
}

function typeOfValue(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object') return 'object';
  return 'string';
}

/** Intersection where `integer` is a kind of `number`. */
function intersect(a: ReadonlySet<JsonType>, b: ReadonlySet<JsonType>): Set<JsonType> {
  const out = new Set<JsonType>();
  for (const t of a) if (b.has(t)) out.add(t);
  if ((a.has('integer') && b.has('number')) || (a.has('number') && b.has('integer'))) out.add('integer');
  return out;
}

function isSchema(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * A view computes its items, properties and openness once, on first use. Property views are kept
 * for declared names only (a bounded set, from the document); every undeclared name shares one
 * view, so client-chosen keys never grow the cache.
 */
class LazyView implements SchemaView {
  readonly types: ReadonlySet<JsonType> | undefined;
  readonly #shapes: SchemaShapes;
  readonly #schemas: readonly SchemaObject[];
  #members: SchemaObject[] | undefined;
  #items: SchemaView | undefined;
  #names: readonly string[] | undefined;
  #nameSet: ReadonlySet<string> | undefined;
  #declared: Map<string, SchemaView> | undefined;
  #undeclared: SchemaView | undefined;
  #open: boolean | undefined;

  constructor(shapes: SchemaShapes, schemas: readonly SchemaObject[], types: ReadonlySet<JsonType> | undefined) {
    this.#shapes = shapes;
    this.#schemas = schemas;
    this.types = types;
  }

  get openProperties(): boolean {
    this.#open ??= this.#allMembers().some(
      (s) => s.additionalProperties === true || isSchema(s.additionalProperties) || isSchema(s.patternProperties),
    );
    return this.#open;
  }

  items(): SchemaView {
    return (this.#items ??= this.#shapes.itemsOf(this.#schemas));
  }

  propertyNames(): readonly string[] {
    if (this.#names === undefined) {
      const names = new Set<string>();
      for (const s of this.#allMembers()) if (isSchema(s.properties)) for (const name of Object.keys(s.properties)) names.add(name);
      this.#names = [...names];
      this.#nameSet = names;
    }
    return this.#names;
  }

  property(name: string): SchemaView {
    this.propertyNames();
    if (!(this.#nameSet as ReadonlySet<string>).has(name)) return (this.#undeclared ??= this.#shapes.propertyOf(this.#schemas, undefined));
    this.#declared ??= new Map();
    let view = this.#declared.get(name);
    if (view === undefined) this.#declared.set(name, (view = this.#shapes.propertyOf(this.#schemas, name)));
    return view;
  }

  #allMembers(): SchemaObject[] {
    return (this.#members ??= this.#shapes.membersOf(this.#schemas));
  }
}

const ANY_VIEW: SchemaView = {
  types: undefined,
  items: () => ANY_VIEW,
  property: () => ANY_VIEW,
  propertyNames: () => [],
  openProperties: true,
};

