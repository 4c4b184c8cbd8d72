import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childPointer, formatPointer, parseFragmentPointer, resolveTokens } from './json-pointer.js';
import { readAndParseFile } from './parse-source.js';
import { DocumentError, type OpenApiVersion } from './types.js';
import type { WarningList } from './warning-list.js';

/** The root key under which external files are placed, one array entry per file. */
export const BUNDLED_KEY = 'x-portcullis-bundled';

/** At most this many external files are loaded for one document. */
export const MAX_EXTERNAL_FILES = 1_000;

/**
 * Deepest nesting walked. Real documents stay under a hundred levels; an object graph with a
 * JavaScript-level cycle (a document already dereferenced by another tool) would otherwise recurse forever.
 */
export const MAX_NESTING_DEPTH = 1_000;

/** Most objects and arrays walked: bounds a caller's object graph whose shared sub-objects would be walked once per path. */
export const MAX_WALKED_NODES = 20_000_000;

export interface BundleInput {
  /** The root document as given or parsed. */
  readonly root: Readonly<Record<string, unknown>>;
  /** True when the loader parsed the root itself, so it may be rewritten in place; false for a caller's object (copy on write). */
  readonly rootOwned: boolean;
  /** Absolute path of the root file, when the source was a file. */
  readonly rootFile: string | undefined;
  /** How the user knows the root (`api.yaml`, or `document` for an object). */
  readonly rootLabel: string;
  /** Directory that relative refs of the root resolve against, and that bundled files' labels are relative to. */
  readonly baseDir: string;
  readonly version: OpenApiVersion;
  readonly warnings: WarningList;
}

export interface Bundle {
  readonly root: Readonly<Record<string, unknown>>;
  describe(pointer: string): string;
}

/**
 * What a value is, deciding which keys are keywords and which are names. Keys of a `map` are
 * names chosen by the author (a property called `default`, a header called `x-rate-limit`), so
 * no key there is special. In a `node` (an OpenAPI object or a schema) `x-` extensions and the
 * literal-value keywords hold data, not references, and are not walked.
 */
type Role = 'node' | 'map' | 'examples' | 'example';

/** Keywords whose value is a map of author-chosen names. */
const MAP_KEYWORDS: ReadonlySet<string> = new Set([
  'paths', 'webhooks', 'callbacks', 'links', 'responses', 'content', 'encoding', 'headers', 'variables',
  'schemas', 'parameters', 'requestBodies', 'securitySchemes', 'pathItems',
  'properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas',
]);

/** Keywords whose value is literal data (an instance), where a `$ref` key means nothing. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['example', 'default', 'const', 'enum']);

interface ExternalFile {
  readonly path: string;
  readonly label: string;
  readonly content: unknown;
}

/** Where the walk currently is: the root, or one external file (index into `files`). */
interface Scope {
  readonly file: number | 'root';
  /** URL that relative refs in this scope resolve against. */
  readonly base: URL;
  /** Copy on write (the caller's object) or rewrite in place (content the loader parsed). */
  readonly copy: boolean;
  /** Pointer prefix of this scope's content in the bundled root. */
  readonly prefix: string;
  /** The scope's unmodified content, against which its internal refs are checked. */
  readonly content: unknown;
}

/**
 * Bundles every external `$ref` into the root in one walk of the root plus one walk of each
 * referenced part of each external file. Internal refs are checked and kept verbatim; external
 * ones are rewritten to `#/x-portcullis-bundled/<n>/<pointer>`. Nothing is inlined, so cycles
 * stay refs.
 */
export function bundleDocument(input: BundleInput): Bundle {
  return new Bundler(input).run();
}

class Bundler {
  private readonly files: ExternalFile[] = [];
  private readonly fileIndexByPath = new Map<string, number>();
  /** External-file objects already walked (they may be reached from several refs or YAML aliases). */
  private readonly walkedExternal = new Set<object>();
  /** Ref holders whose `$ref` was rewritten in place: met again through a YAML alias, they are already done. */
  private readonly rewrittenInPlace = new Set<object>();
  private readonly pendingTargets: Array<{ file: number; tokens: string[] }> = [];
  /** Number of entries already under `x-portcullis-bundled` in the source root (a re-loaded bundle). */
  private readonly existingBundled: number;
  private walkedNodes = 0;

  constructor(private readonly input: BundleInput) {
    const existing = input.root[BUNDLED_KEY];
    if (existing !== undefined && !Array.isArray(existing)) {
      throw new DocumentError(`${input.rootLabel}#/${BUNDLED_KEY}`, 'this key is reserved for bundled files and must be an array');
    }
    this.existingBundled = existing === undefined ? 0 : existing.length;
  }

  run(): Bundle {
    const { input } = this;
    const rootScope: Scope = {
      file: 'root',
      base: input.rootFile === undefined ? pathToFileURL(`${input.baseDir}${sep}`) : pathToFileURL(input.rootFile),
      copy: !input.rootOwned,
      prefix: '',
      content: input.root,
    };
    // An `x-portcullis-bundled` already in the root (a bundle loaded again) is skipped like every
    // `x-` extension: its reachable refs were rewritten when it was made, and its unreachable
    // parts may hold refs nobody follows.
    const walked = this.visitObjectEntries(input.root, 'node', '', rootScope, 0);
    // The root is always a fresh object, even when nothing in it changed.
    const root: Record<string, unknown> = walked === input.root && !input.rootOwned ? { ...input.root } : (walked as Record<string, unknown>);

    // Walking a target may add targets (refs inside external files): the array grows while read.
    for (let i = 0; i < this.pendingTargets.length; i++) {
      const next = this.pendingTargets[i] as { file: number; tokens: string[] };
      const file = this.files[next.file] as ExternalFile;
      const target = resolveTokens(file.content, next.tokens);
      if (target === undefined) continue; // checked when the ref was met
      const scope = this.fileScope(next.file);
      this.visit(target.value, 'node', `${scope.prefix}${formatPointer(next.tokens)}`, scope, 0);
    }

    if (this.files.length > 0) {
      const existing = (root[BUNDLED_KEY] as unknown[] | undefined) ?? [];
      root[BUNDLED_KEY] = [...existing, ...this.files.map((file) => file.content)];
    }
    return { root, describe: (pointer) => this.describe(pointer) };
  }

  describe(pointer: string): string {
    const bare = pointer.startsWith('#') ? pointer.slice(1) : pointer;
    const match = /^\/x-portcullis-bundled\/(0|[1-9][0-9]*)(?=\/|$)/.exec(bare);
    if (match !== null) {
      const file = this.files[Number(match[1]) - this.existingBundled];
      if (file !== undefined) return `${file.label}#${bare.slice(match[0].length)}`;
    }
    return `${this.input.rootLabel}#${bare}`;
  }

  private fileScope(index: number): Scope {
    const file = this.files[index] as ExternalFile;
    return {
      file: index,
      base: pathToFileURL(file.path),
      copy: false,
      prefix: `/${BUNDLED_KEY}/${this.existingBundled + index}`,
      content: file.content,
    };
  }

  /** Walks one value; returns it, or (copy-on-write scope) a copy when a ref below it was rewritten. */
  private visit(value: unknown, role: Role, pointer: string, scope: Scope, depth: number): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_NESTING_DEPTH) {
      throw new DocumentError(this.describe(pointer), `nested deeper than ${MAX_NESTING_DEPTH} levels (is the object circular, e.g. already dereferenced?)`);
    }
    if (++this.walkedNodes > MAX_WALKED_NODES) {
      throw new DocumentError(this.describe(pointer), `more than ${MAX_WALKED_NODES} objects to walk (an object graph with shared sub-objects?)`);
    }
    if (scope.file !== 'root') {
      // External content may be reached from many refs, overlapping targets and YAML aliases: walk each object once.
      if (this.walkedExternal.has(value)) return value;
      this.walkedExternal.add(value);
    }
    if (Array.isArray(value)) {
      let out: unknown[] = value;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const walked = this.visit(item, 'node', childPointer(pointer, i), scope, depth + 1);
        if (walked !== item) {
          if (out === value && scope.copy) out = value.slice();
          out[i] = walked;
        }
      }
      return out;
    }
    return this.visitObjectEntries(value as Record<string, unknown>, role, pointer, scope, depth);
  }

  private visitObjectEntries(
    value: Readonly<Record<string, unknown>>,
    role: Role,
    pointer: string,
    scope: Scope,
    depth: number,
  ): unknown {
    // Copy on write: `out` becomes a shallow copy the first time a child changes (caller's object only).
    let out: Record<string, unknown> = value as Record<string, unknown>;
    const isReferable = role === 'node' || role === 'example';
    if (isReferable && Object.hasOwn(value, '$ref') && !this.rewrittenInPlace.has(value)) {
      const rewritten = this.reference(value, pointer, scope);
      if (rewritten !== undefined) {
        if (scope.copy) out = { ...value };
        else this.rewrittenInPlace.add(value);
        out['$ref'] = rewritten;
      }
    }
    for (const key of Object.keys(value)) {
      if (isReferable && key === '$ref') continue;
      const child = value[key];
      const childRole = roleOf(role, key, child);
      if (childRole === undefined) continue;
      const walked = this.visit(child, childRole, childPointer(pointer, key), scope, depth + 1);
      if (walked !== child) {
        if (out === value && scope.copy) out = { ...value };
        out[key] = walked;
      }
    }
    return out;
  }

  /** Checks one `$ref`; returns its rewritten value when it must change. */
  private reference(holder: Readonly<Record<string, unknown>>, pointer: string, scope: Scope): string | undefined {
    const ref = holder['$ref'];
    // Where the `$ref` is, as a pointer; described only when something is wrong (describing costs a regex per ref).
    const refPointer = childPointer(pointer, '$ref');
    if (typeof ref !== 'string') throw new DocumentError(this.describe(refPointer), '`$ref` must be a string');
    if (this.input.version === '3.0') {
      const siblings = Object.keys(holder).filter((key) => key !== '$ref');
      if (siblings.length > 0) {
        this.input.warnings.add({
          code: 'ref-siblings',
          location: this.describe(pointer),
          message: `OpenAPI 3.0 ignores the keys next to \`$ref\` (${siblings.length} here); Portcullis ignores them too`,
        });
      }
    }
    const hash = ref.indexOf('#');
    const uriPart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    const tokens = parseFragmentPointer(fragment);
    if (tokens === undefined) {
      throw new DocumentError(this.describe(refPointer), 'only JSON-pointer fragments are supported in `$ref` (`#/components/...`), not plain names or anchors');
    }

    if (uriPart === '') {
      // Internal to the current scope.
      this.requireTarget(scope.content, tokens, refPointer, ref);
      if (scope.file === 'root') return undefined;
      this.pendingTargets.push({ file: scope.file, tokens });
      return `#${scope.prefix}${fragment}`;
    }

    const path = this.externalPath(uriPart, scope, refPointer);
    if (this.input.rootFile !== undefined && path === this.input.rootFile) {
      // A file referring back to the root document: the root is walked whole already.
      this.requireTarget(this.input.root, tokens, refPointer, ref);
      return `#${fragment}`;
    }
    const index = this.loadFile(path, refPointer);
    this.requireTarget((this.files[index] as ExternalFile).content, tokens, refPointer, ref);
    this.pendingTargets.push({ file: index, tokens });
    return `#/${BUNDLED_KEY}/${this.existingBundled + index}${fragment}`;
  }

  private requireTarget(content: unknown, tokens: readonly string[], refPointer: string, ref: string): void {
    if (resolveTokens(content, tokens) === undefined) {
      throw new DocumentError(this.describe(refPointer), `\`$ref\` target does not exist: ${ref}`);
    }
  }

  /** The absolute file path a relative ref names. Remote, absolute and non-file refs are refused. */
  private externalPath(uriPart: string, scope: Scope, pointer: string): string {
    const location = this.describe(pointer);
    if (/^(https?:)?\/\//i.test(uriPart)) {
      throw new DocumentError(location, 'remote references are not fetched: bundle the document (or save the file next to it and use a relative path)');
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(uriPart)) {
      throw new DocumentError(location, 'only relative file references are supported in `$ref`, not URIs with a scheme');
    }
    if (uriPart.startsWith('/') || uriPart.startsWith('\\')) {
      throw new DocumentError(location, 'absolute paths are not accepted in `$ref`: use a path relative to the referring file');
    }
    let url: URL;
    try {
      url = new URL(uriPart, scope.base);
    } catch {
      throw new DocumentError(location, '`$ref` is not a valid relative reference');
    }
    if (url.protocol !== 'file:' || url.search !== '') {
      throw new DocumentError(location, '`$ref` is not a plain relative file path');
    }
    return fileURLToPath(url);
  }

  private loadFile(path: string, pointer: string): number {
    const known = this.fileIndexByPath.get(path);
    if (known !== undefined) return known;
    const location = this.describe(pointer);
    if (this.files.length >= MAX_EXTERNAL_FILES) {
      throw new DocumentError(location, `more than ${MAX_EXTERNAL_FILES} external files are referenced`);
    }
    const label = relative(this.input.baseDir, path).split(sep).join('/');
    let parsed;
    try {
      parsed = readAndParseFile(path, label);
    } catch (error) {
      // A file that cannot be read is the referring `$ref`'s problem; a parse error is located in the file itself.
      if (error instanceof DocumentError && error.location === label) {
        throw new DocumentError(location, `\`$ref\` names a file that cannot be loaded: ${label} (${error.message.slice(label.length + 2)})`);
      }
      throw error;
    }
    for (const warning of parsed.warnings) this.input.warnings.add(warning);
    const index = this.files.length;
    this.files.push({ path, label, content: parsed.value });
    this.fileIndexByPath.set(path, index);
    return index;
  }
}

function roleOf(parent: Role, key: string, value: unknown): Role | undefined {
  if (parent === 'map') return 'node';
  if (parent === 'examples') return 'example';
  if (key.startsWith('x-') || DATA_KEYWORDS.has(key)) return undefined;
  if (parent === 'example' && key === 'value') return undefined;
  if (key === 'examples') return Array.isArray(value) ? undefined : 'examples';
  return MAP_KEYWORDS.has(key) ? 'map' : 'node';
}
