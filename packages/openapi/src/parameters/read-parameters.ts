/**
 * An operation's parameters as the document declares them: path-item and operation levels merged,
 * references followed, the spec's defaults applied, and every rule the spec sets for them checked
 * at start-up (a broken declaration is a DocumentError naming where, never a silent skip).
 */
import { DocumentError, type LoadedDocument } from '../document/types.js';
import { childPointer, resolveInternalRef } from '../document/json-pointer.js';

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';
export type ParameterStyle = 'matrix' | 'label' | 'form' | 'simple' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';

export interface ParameterDefinition {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly style: ParameterStyle;
  readonly explode: boolean;
  readonly allowReserved: boolean;
  readonly allowEmptyValue: boolean;
  /** Internal pointer of its schema in document.root, when defined by `schema`. */
  readonly schemaPointer: string | undefined;
  /** When defined by `content` (exactly one media type; JSON ones are parsed as JSON). */
  readonly content: { readonly mediaType: string; readonly schemaPointer: string | undefined } | undefined;
  /** document.describe() of the parameter, for messages. */
  readonly location: string;
}

const DEFAULT_STYLE: Readonly<Record<ParameterLocation, ParameterStyle>> = {
  path: 'simple',
  query: 'form',
  header: 'simple',
  cookie: 'form',
};

const ALLOWED_STYLES: Readonly<Record<ParameterLocation, readonly ParameterStyle[]>> = {
  path: ['simple', 'label', 'matrix'],
  query: ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'],
  header: ['simple'],
  cookie: ['form'],
};

/** The spec says header parameters with these names are ignored: other parts of the document describe them. */
const IGNORED_HEADERS: ReadonlySet<string> = new Set(['accept', 'content-type', 'authorization']);

const MAX_REF_HOPS = 32;

/**
 * The parameters of one operation. `pathTemplate` is the path as the document writes it
 * (`/pets/{id}`); the pointers are internal (`#/paths/~1pets~1{id}`, `#/paths/~1pets~1{id}/get`).
 */
export function readParameters(
  document: LoadedDocument,
  pathTemplate: string,
  pathItemPointer: string,
  operationPointer: string,
): ParameterDefinition[] {
  const merged = new Map<string, ParameterDefinition>();
  for (const definition of readLevel(document, pathItemPointer)) merged.set(keyOf(definition), definition);
  // The operation's own declaration of a (name, in) replaces the path item's.
  for (const definition of readLevel(document, operationPointer)) merged.set(keyOf(definition), definition);

  const variables = templateVariables(pathTemplate, document.describe(pathItemPointer));
  const definitions = [...merged.values()];
  for (const definition of definitions) {
    if (definition.in === 'path' && !variables.has(definition.name)) {
      throw new DocumentError(definition.location, `path parameter "${definition.name}" is not a variable of the path template`);
    }
  }
  for (const variable of variables) {
    if (!definitions.some((d) => d.in === 'path' && d.name === variable)) {
      throw new DocumentError(document.describe(operationPointer), `path template variable "${variable}" has no path parameter`);
    }
  }
  return definitions.filter((d) => !(d.in === 'header' && IGNORED_HEADERS.has(d.name.toLowerCase())));
}

function keyOf(definition: ParameterDefinition): string {
  // Header names are case-insensitive: `X-Rate` and `x-rate` are one parameter.
  return `${definition.in}:${definition.in === 'header' ? definition.name.toLowerCase() : definition.name}`;
}

function readLevel(document: LoadedDocument, ownerPointer: string): ParameterDefinition[] {
  const owner = resolvePointer(document.root, ownerPointer);
  if (!isObject(owner) || owner.parameters === undefined) return [];
  const listPointer = `${ownerPointer}/parameters`;
  if (!Array.isArray(owner.parameters)) throw new DocumentError(document.describe(listPointer), 'parameters must be an array');
  const seen = new Set<string>();
  const out: ParameterDefinition[] = [];
  owner.parameters.forEach((entry: unknown, index: number) => {
    const definition = readParameter(document, entry, childPointer(listPointer, index));
    const key = keyOf(definition);
    if (seen.has(key)) throw new DocumentError(definition.location, `parameter "${definition.name}" in ${definition.in} is declared twice`);
    seen.add(key);
    out.push(definition);
  });
  return out;
}

function readParameter(document: LoadedDocument, entry: unknown, entryPointer: string): ParameterDefinition {
  const { value, pointer } = followRefs(document, entry, entryPointer);
  const location = document.describe(pointer);
  if (!isObject(value)) throw new DocumentError(location, 'a parameter must be an object');
  const name = value.name;
  if (typeof name !== 'string' || name === '') throw new DocumentError(location, 'a parameter needs a non-empty name');
  const where = value.in;
  if (where !== 'path' && where !== 'query' && where !== 'header' && where !== 'cookie') {
    throw new DocumentError(location, 'parameter "in" must be path, query, header or cookie');
  }
  const required = optionalBoolean(value, 'required', false, location);
  if (where === 'path' && !required) throw new DocumentError(location, `path parameter "${name}" must have required: true`);
  const style = value.style === undefined ? DEFAULT_STYLE[where] : value.style;
  if (typeof style !== 'string' || !(ALLOWED_STYLES[where] as readonly string[]).includes(style)) {
    throw new DocumentError(location, `style is not allowed for a ${where} parameter (allowed: ${ALLOWED_STYLES[where].join(', ')})`);
  }
  const explode = optionalBoolean(value, 'explode', style === 'form', location);
  const allowReserved = optionalBoolean(value, 'allowReserved', false, location);
  const allowEmptyValue = optionalBoolean(value, 'allowEmptyValue', false, location);

  const hasSchema = value.schema !== undefined;
  const hasContent = value.content !== undefined;
  if (hasSchema === hasContent) throw new DocumentError(location, 'a parameter must have exactly one of schema and content');
  let content: ParameterDefinition['content'];
  if (hasContent) {
    const media = value.content;
    const types = isObject(media) ? Object.keys(media) : [];
    if (!isObject(media) || types.length !== 1) throw new DocumentError(location, 'parameter content must have exactly one media type');
    const mediaType = types[0] as string;
    const mediaObject = media[mediaType];
    const mediaPointer = childPointer(`${pointer}/content`, mediaType);
    if (!isObject(mediaObject)) throw new DocumentError(document.describe(mediaPointer), 'a media type must be an object');
    content = { mediaType, schemaPointer: mediaObject.schema === undefined ? undefined : `${mediaPointer}/schema` };
  }
  return {
    name,
    in: where,
    required,
    style: style as ParameterStyle,
    explode,
    allowReserved,
    allowEmptyValue,
    schemaPointer: hasSchema ? `${pointer}/schema` : undefined,
    content,
    location,
  };
}

/** Follows `$ref`s (internal only; chains allowed, cycles refused) to the parameter object and its pointer. */
function followRefs(document: LoadedDocument, entry: unknown, entryPointer: string): { value: unknown; pointer: string } {
  let value = entry;
  let pointer = entryPointer;
  const visited = new Set<string>();
  for (let hops = 0; isObject(value) && typeof value.$ref === 'string'; hops++) {
    const ref = value.$ref;
    if (hops >= MAX_REF_HOPS || visited.has(ref)) throw new DocumentError(document.describe(pointer), 'circular parameter reference');
    visited.add(ref);
    const target = resolveInternalRef(document.root, ref);
    if (target === undefined) throw new DocumentError(document.describe(pointer), 'parameter reference does not resolve');
    value = target.value;
    pointer = canonicalPointer(ref);
  }
  return { value, pointer };
}

/** `#/components/parameters/a%20b` -> `#/components/parameters/a b`: internal pointers are not percent-encoded. */
function canonicalPointer(ref: string): string {
  try {
    return `#${decodeURIComponent(ref.slice(1))}`;
  } catch {
    return ref;
  }
}

/** The `{name}` variables of a path template. */
function templateVariables(template: string, location: string): Set<string> {
  const variables = new Set<string>();
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] as string;
    if (name === '' || variables.has(name)) throw new DocumentError(location, 'path template has an empty or repeated variable');
    variables.add(name);
  }
  return variables;
}

function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '#' || pointer === '') return root;
  if (!pointer.startsWith('#/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(2).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = /^(0|[1-9][0-9]*)$/.test(token) ? current[Number(token)] : undefined;
    else if (isObject(current) && Object.hasOwn(current, token)) current = current[token];
    else return undefined;
  }
  return current;
}

function optionalBoolean(value: Readonly<Record<string, unknown>>, key: string, fallback: boolean, location: string): boolean {
  const field = value[key];
  if (field === undefined) return fallback;
  if (typeof field !== 'boolean') throw new DocumentError(location, `${key} must be a boolean`);
  return field;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
