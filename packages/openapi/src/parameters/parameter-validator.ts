/**
 * Validates a request's parameters against an operation's declarations: each value is read in its
 * declared style, coerced as its schema says, then validated by the compiled schema. Problems are
 * issues with fixed messages and pointers (`/query/limit`); nothing here throws on client input.
 * Schema defaults are not injected: the values are what the client sent.
 */
import type { RequestHeaders } from '@portcullis/core';
import type { LoadedDocument } from '../document/types.js';
import type { CompiledSchema, SchemaDirection, ValidationIssue } from '../schema/types.js';
import { BracketTree, parseBracketName } from './bracket-tree.js';
import { buildValue, emptyRecord, isForbiddenKey } from './build-value.js';
import { kindOf, type ValueKind } from './coerce.js';
import { contentValue } from './content-value.js';
import { formFamilyValue } from './form-values.js';
import { IssueList, issue, pointerTo, safeClientPointer, type ParameterIssueKeyword } from './issues.js';
import { asIs, cookieDecode, formDecode } from './percent-decode.js';
import type { ParameterDefinition } from './read-parameters.js';
import { splitFormPairs } from './query-string.js';
import { SchemaShapes, type SchemaView } from './schema-view.js';
import { parseLabel, parseMatrix, parseSimple, splitBody, type StyleResult } from './styles.js';

/** The schema compiler, as this module needs it (pointer: internal `#/...` pointer into document.root). */
export interface SchemaCompilerLike {
  compile(pointer: string, direction: SchemaDirection): CompiledSchema;
}

export interface ParameterOptions {
  /**
   * 'schema': strings are coerced to number/integer/boolean/null/array/object only where the
   * schema says so (a string schema stays a string: '007' stays '007'); 'none': no coercion at
   * all — only string schemas can pass.
   */
  readonly coercion: 'schema' | 'none';
  /** Query parameters the operation does not document: 'deny' (default) or 'allow'. */
  readonly unknownQuery: 'deny' | 'allow';
  /**
   * Query parameters that carry a credential of the document's security schemes (`apiKey` with
   * `in: query`): documented by the scheme, not by the operation, so never unknown.
   */
  readonly credentialQuery?: ReadonlySet<string>;
}

export interface RawParameters {
  /** Template variable -> the decoded path segment (or part of a segment, for templates like `{base}...{head}`). */
  readonly path: Readonly<Record<string, string>>;
  /** The raw query string without '?', still percent-encoded. */
  readonly rawQuery: string;
  readonly headers: RequestHeaders;
  readonly cookies: ReadonlyMap<string, string>;
}

export interface ParameterValues {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
  cookie: Record<string, unknown>;
}

export type ParameterResult =
  | { readonly ok: true; readonly values: ParameterValues }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

export interface ParameterValidator {
  validate(raw: RawParameters): ParameterResult;
}

/** The nesting cap of deepObject query parameters (`filter[a][b]...`). */
export const MAX_PARAMETER_DEPTH = 8;

interface CompiledParameter {
  readonly definition: ParameterDefinition;
  /** `/query/limit` */
  readonly pointer: string;
  readonly view: SchemaView;
  readonly kind: ValueKind;
  readonly schema: CompiledSchema | undefined;
  /** An exploded form object (query, cookie): its properties are top-level names. */
  readonly explodedObject: boolean;
}

/** No value, and no issue: an empty value the document allows (`allowEmptyValue`). */
const OMITTED = Symbol('omitted');
/** No value, and an issue was added. */
const FAILED = Symbol('failed');
type Outcome = { readonly value: unknown } | typeof OMITTED | typeof FAILED | undefined;

export function compileParameters(
  definitions: readonly ParameterDefinition[],
  compiler: SchemaCompilerLike,
  document: LoadedDocument,
  options: ParameterOptions,
  maxIssues: number,
): ParameterValidator {
  const shapes = SchemaShapes.of(document.root);
  const compiled: CompiledParameter[] = definitions.map((definition) => {
    const view = shapes.at(definition.schemaPointer);
    const kind = definition.content === undefined ? kindOf(view, options.coercion) : 'primitive';
    const schemaPointer = definition.content === undefined ? definition.schemaPointer : definition.content.schemaPointer;
    return {
      definition,
      pointer: pointerTo(`/${definition.in}`, definition.name),
      view,
      kind,
      schema: schemaPointer === undefined ? undefined : compiler.compile(schemaPointer, 'request'),
      explodedObject:
        kind === 'object' && definition.style === 'form' && definition.explode && (definition.in === 'query' || definition.in === 'cookie'),
    };
  });
  const queryParameters = compiled.filter((p) => p.definition.in === 'query');
  // One exploded object with explicit additional properties takes the query names nobody else claims.
  const absorbing = queryParameters.find((p) => p.explodedObject && p.view.openProperties);
  const claimedNames = new Set<string>();
  const deepObjectNames = new Set<string>();
  for (const parameter of queryParameters) {
    const { definition } = parameter;
    if (parameter.explodedObject) for (const name of parameter.view.propertyNames()) claimedNames.add(name);
    else claimedNames.add(definition.name);
    if (definition.style === 'deepObject' && options.coercion === 'schema') deepObjectNames.add(definition.name);
  }
  const isClaimed = (name: string): boolean => {
    if (claimedNames.has(name) || options.credentialQuery?.has(name) === true) return true;
    const bracketed = name.includes('[') ? parseBracketName(name) : undefined;
    return bracketed !== undefined && deepObjectNames.has(bracketed.base);
  };

  return {
    validate(raw: RawParameters): ParameterResult {
      const issues = new IssueList(maxIssues);
      const values: ParameterValues = { path: emptyRecord(), query: emptyRecord(), header: emptyRecord(), cookie: emptyRecord() };
      const request = new RequestReader(raw, options, issues);

      let unclaimed: string[] = [];
      if (queryParameters.length > 0 || options.unknownQuery === 'deny') {
        const pairs = request.query();
        if (pairs.badName) issues.add(issue('/query', 'encoding'));
        for (const name of pairs.byName.keys()) if (!isClaimed(name)) unclaimed.push(name);
        if (absorbing === undefined && options.unknownQuery === 'deny') {
          for (const name of unclaimed) {
            if (issues.full) break;
            issues.add(issue(safeClientPointer('/query', name), 'unknown'));
          }
        }
        if (absorbing === undefined) unclaimed = [];
      }

      for (const parameter of compiled) {
        if (issues.full) break;
        const { definition } = parameter;
        const outcome = request.read(parameter, parameter === absorbing ? unclaimed : []);
        if (outcome === FAILED || outcome === OMITTED) continue;
        if (outcome === undefined) {
          if (definition.required) issues.add(issue(parameter.pointer, 'required'));
          continue;
        }
        const problems = parameter.schema?.validate(outcome.value, parameter.pointer);
        if (problems !== undefined && problems.length > 0) {
          issues.addAll(problems);
          continue;
        }
        values[definition.in][definition.name] = outcome.value;
      }
      return issues.items.length > 0 ? { ok: false, issues: issues.items } : { ok: true, values };
    },
  };
}

/** Reads each parameter's value out of one request (the query and cookie names are parsed once, on first use). */
class RequestReader {
  readonly #raw: RawParameters;
  readonly #options: ParameterOptions;
  readonly #issues: IssueList;
  #pairs: ReturnType<typeof splitFormPairs> | undefined;
  #cookieCounts: Map<string, number> | undefined;

  constructor(raw: RawParameters, options: ParameterOptions, issues: IssueList) {
    this.#raw = raw;
    this.#options = options;
    this.#issues = issues;
  }

  query(): ReturnType<typeof splitFormPairs> {
    return (this.#pairs ??= splitFormPairs(this.#raw.rawQuery));
  }

  read(parameter: CompiledParameter, absorbed: readonly string[]): Outcome {
    switch (parameter.definition.in) {
      case 'path':
        return this.#path(parameter);
      case 'query':
        return this.#query(parameter, absorbed);
      case 'header':
        return this.#header(parameter);
      case 'cookie':
        return this.#cookie(parameter);
    }
  }

  #path(parameter: CompiledParameter): Outcome {
    const { definition } = parameter;
    if (!Object.hasOwn(this.#raw.path, definition.name)) return undefined;
    const text = this.#raw.path[definition.name] as string;
    if (definition.content !== undefined) return this.#content(parameter, text);
    const parsed =
      definition.style === 'label'
        ? parseLabel(text, parameter.kind, definition.explode, asIs)
        : definition.style === 'matrix'
          ? parseMatrix(text, definition.name, parameter.kind, definition.explode, asIs)
          : parseSimple(text, parameter.kind, definition.explode, asIs);
    return this.#built(parameter, parsed);
  }

  #query(parameter: CompiledParameter, absorbed: readonly string[]): Outcome {
    const { definition } = parameter;
    const byName = this.query().byName;
    if (parameter.explodedObject) return this.#explodedQueryObject(parameter, absorbed);
    if (definition.style === 'deepObject' && this.#options.coercion === 'schema' && definition.content === undefined) {
      return this.#deepObject(parameter);
    }
    const rawValues = byName.get(definition.name);
    if (rawValues === undefined) return undefined;
    if (definition.content !== undefined) {
      if (rawValues.length > 1) return this.#fail(parameter.pointer, 'duplicate');
      const text = formDecode(rawValues[0] as string);
      return text === undefined ? this.#fail(parameter.pointer, 'encoding') : this.#content(parameter, text);
    }
    if (this.#emptyAllowed(parameter, rawValues)) return OMITTED;
    const style = definition.style === 'spaceDelimited' || definition.style === 'pipeDelimited' ? definition.style : 'form';
    // deepObject under 'none' coercion: no object is built, the name is read as one string.
    const explode = definition.style === 'deepObject' ? false : definition.explode;
    const value = formFamilyValue(rawValues, style, explode, parameter.view, this.#options.coercion, parameter.pointer, this.#issues);
    return value === undefined ? FAILED : { value };
  }

  /** `?R=100&G=200` for an exploded `form` object: its declared properties (and, when it takes them, unclaimed names). */
  #explodedQueryObject(parameter: CompiledParameter, absorbed: readonly string[]): Outcome {
    const byName = this.query().byName;
    const out = emptyRecord();
    let present = false;
    for (const name of [...parameter.view.propertyNames(), ...absorbed]) {
      const rawValues = byName.get(name);
      if (rawValues === undefined) continue;
      if (isForbiddenKey(name)) return this.#fail(parameter.pointer, 'forbiddenKey');
      const pointer = safeClientPointer(parameter.pointer, name);
      const value = formFamilyValue(rawValues, 'form', true, parameter.view.property(name), this.#options.coercion, pointer, this.#issues);
      if (value === undefined) return FAILED;
      out[name] = value;
      present = true;
    }
    return present ? { value: out } : undefined;
  }

  /** `filter[a]=1&filter[b][c]=2&expand[]=x` (and a plain `filter=` as the value itself). */
  #deepObject(parameter: CompiledParameter): Outcome {
    const { definition } = parameter;
    const tree = new BracketTree(definition.name, MAX_PARAMETER_DEPTH);
    let present = false;
    for (const [name, rawValues] of this.query().byName) {
      let keys: readonly string[] = [];
      let appended = false;
      if (name !== definition.name) {
        const bracketed = name.startsWith(`${definition.name}[`) ? parseBracketName(name) : undefined;
        if (bracketed === undefined || bracketed.base !== definition.name) continue;
        keys = bracketed.keys;
        appended = bracketed.appended;
      }
      for (const rawValue of rawValues) {
        const value = formDecode(rawValue);
        if (value === undefined) return this.#fail(parameter.pointer, 'encoding');
        const problem = tree.add(keys, appended, value);
        if (problem !== undefined) return this.#fail(parameter.pointer, problem);
        present = true;
      }
    }
    if (!present) return undefined;
    const value = tree.value(parameter.view, this.#options.coercion, parameter.pointer, this.#issues);
    return value === undefined ? FAILED : { value };
  }

  #header(parameter: CompiledParameter): Outcome {
    const { definition } = parameter;
    const fields = this.#raw.headers.getAll(definition.name);
    if (fields.length === 0) return undefined;
    // A list may be split over several fields (RFC 9110 §5.3); anything else must come once.
    if (fields.length > 1 && parameter.kind !== 'array') return this.#fail(parameter.pointer, 'duplicate');
    const text = fields.join(',');
    if (definition.content !== undefined) return this.#content(parameter, text.trim());
    return this.#built(parameter, parseSimple(text, parameter.kind, definition.explode, trimmed));
  }

  #cookie(parameter: CompiledParameter): Outcome {
    const { definition } = parameter;
    if (parameter.explodedObject) return this.#explodedCookieObject(parameter);
    const text = this.#cookieValue(definition.name, parameter.pointer);
    if (typeof text !== 'string') return text;
    if (definition.content !== undefined) {
      const decoded = cookieDecode(text);
      return decoded === undefined ? this.#fail(parameter.pointer, 'encoding') : this.#content(parameter, decoded);
    }
    // Only one cookie of a name survives the Cookie header, so a list is always its comma form.
    return this.#built(parameter, splitBody(text, parameter.kind, ',', false, cookieDecode));
  }

  #explodedCookieObject(parameter: CompiledParameter): Outcome {
    const out = emptyRecord();
    let present = false;
    for (const name of parameter.view.propertyNames()) {
      const pointer = safeClientPointer(parameter.pointer, name);
      const text = this.#cookieValue(name, pointer);
      if (text === FAILED) return FAILED;
      if (text === undefined) continue;
      const property = parameter.view.property(name);
      const parsed = splitBody(text, kindOf(property, this.#options.coercion) === 'array' ? 'array' : 'primitive', ',', false, cookieDecode);
      if (typeof parsed === 'string') return this.#fail(pointer, parsed);
      out[name] = buildValue(parsed, property, this.#options.coercion, pointer, this.#issues);
      present = true;
    }
    return present ? { value: out } : undefined;
  }

  /** The raw value of a cookie; a name sent twice is `duplicate` (the map keeps only the first). */
  #cookieValue(name: string, pointer: string): string | typeof FAILED | undefined {
    const value = this.#raw.cookies.get(name);
    if (value === undefined) return undefined;
    if ((this.#cookieNameCounts().get(name) ?? 0) > 1) return this.#fail(pointer, 'duplicate');
    return value;
  }

  #cookieNameCounts(): Map<string, number> {
    if (this.#cookieCounts === undefined) {
      const counts = new Map<string, number>();
      for (const field of this.#raw.headers.getAll('cookie')) {
        for (const part of field.split(';')) {
          const eq = part.indexOf('=');
          if (eq <= 0) continue;
          const name = part.slice(0, eq).trim();
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
      this.#cookieCounts = counts;
    }
    return this.#cookieCounts;
  }

  #content(parameter: CompiledParameter, text: string): Outcome {
    const mediaType = (parameter.definition.content as NonNullable<ParameterDefinition['content']>).mediaType;
    const parsed = contentValue(text, mediaType);
    return typeof parsed === 'string' ? this.#fail(parameter.pointer, parsed) : parsed;
  }

  #built(parameter: CompiledParameter, parsed: StyleResult): Outcome {
    if (typeof parsed === 'string') return this.#fail(parameter.pointer, parsed);
    if (parsed.kind === 'primitive' && parsed.value === '' && this.#emptyAllowed(parameter, [''])) return OMITTED;
    const value = buildValue(parsed, parameter.view, this.#options.coercion, parameter.pointer, this.#issues);
    return value === undefined ? FAILED : { value };
  }

  /**
   * An empty value (`?flag`, `?flag=`) for a schema that does not admit a string: accepted, and
   * left out of the values, only where the document sets `allowEmptyValue` (query parameters).
   * Elsewhere it stays `''` and the schema refuses it; a string schema gets `''`.
   */
  #emptyAllowed(parameter: CompiledParameter, rawValues: readonly string[]): boolean {
    const { definition } = parameter;
    if (!definition.allowEmptyValue || definition.in !== 'query' || parameter.kind !== 'primitive') return false;
    if (rawValues.length !== 1 || rawValues[0] !== '') return false;
    const types = parameter.view.types;
    return types !== undefined && !types.has('string');
  }

  #fail(pointer: string, keyword: ParameterIssueKeyword): typeof FAILED {
    this.#issues.add(issue(pointer, keyword));
    return FAILED;
  }
}

/** Header list items: optional whitespace around commas is not data (RFC 9110 §5.6.1). */
function trimmed(raw: string): string {
  return raw.trim();
}

