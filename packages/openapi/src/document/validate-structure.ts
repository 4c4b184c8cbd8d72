import { childPointer, formatPointer, parseFragmentPointer, resolveTokens } from './json-pointer.js';
import { DocumentError, type OpenApiVersion } from './types.js';
import type { WarningList } from './warning-list.js';

/**
 * The structure the rest of @portcullis/openapi relies on, checked once at start-up on the
 * bundled root (every `$ref` internal). Schema content, parameter serialisation and the
 * internals of security schemes beyond their required fields are checked by the modules that use them.
 */
export interface StructureInput {
  readonly root: Readonly<Record<string, unknown>>;
  readonly version: OpenApiVersion;
  readonly describe: (pointer: string) => string;
  readonly warnings: WarningList;
}

export const HTTP_METHODS: readonly string[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PATH_ITEM_KEYS: ReadonlySet<string> = new Set(['$ref', 'summary', 'description', 'servers', 'parameters', ...HTTP_METHODS]);
const PARAMETER_LOCATIONS: ReadonlySet<string> = new Set(['query', 'header', 'path', 'cookie']);
const API_KEY_LOCATIONS: ReadonlySet<string> = new Set(['query', 'header', 'cookie']);
/** Longest `$ref` chain followed (a ref to a ref to ...); longer chains are loops in practice. */
const MAX_REF_HOPS = 64;

type Json = Readonly<Record<string, unknown>>;

export function validateStructure(input: StructureInput): void {
  new StructureValidator(input).run();
}

class StructureValidator {
  private readonly operationIds = new Map<string, string>();
  /** Targets already checked (a component referenced from many operations is checked once). */
  private readonly checked = new Set<string>();
  private readonly schemeNames: ReadonlySet<string>;

  constructor(private readonly input: StructureInput) {
    const components = input.root['components'];
    const schemes = isObject(components) ? components['securitySchemes'] : undefined;
    this.schemeNames = new Set(isObject(schemes) ? Object.keys(schemes) : []);
  }

  run(): void {
    const { root, version } = this.input;
    if (!isObject(root['info'])) this.fail('/info', '`info` is required and must be an object');
    this.servers(root['servers'], '/servers');
    this.security(root['security'], '/security');

    const paths = root['paths'];
    if (paths === undefined) {
      if (version === '3.0') this.fail('/paths', '`paths` is required in OpenAPI 3.0');
    } else if (!isObject(paths)) {
      this.fail('/paths', '`paths` must be an object');
    } else {
      for (const [template, item] of Object.entries(paths)) {
        const pointer = childPointer('/paths', template);
        if (template.startsWith('x-')) continue;
        if (!template.startsWith('/')) this.fail(pointer, 'path keys must start with `/`');
        this.pathItem(item, pointer);
      }
    }
    if (version === '3.1') this.pathItemMap(root['webhooks'], '/webhooks');

    const components = root['components'];
    if (components === undefined) return;
    if (!isObject(components)) this.fail('/components', '`components` must be an object');
    if (version === '3.1') this.pathItemMap(components['pathItems'], '/components/pathItems');
    this.eachComponent(components, 'parameters', (value, pointer) => this.parameter(value, pointer));
    this.eachComponent(components, 'requestBodies', (value, pointer) => this.requestBody(value, pointer));
    this.eachComponent(components, 'responses', (value, pointer) => this.response(value, pointer));
    this.eachComponent(components, 'securitySchemes', (value, pointer) => this.securityScheme(value, pointer));
  }

  private pathItemMap(map: unknown, pointer: string): void {
    if (map === undefined) return;
    if (!isObject(map)) this.fail(pointer, 'must be an object');
    for (const [name, item] of Object.entries(map)) {
      if (!name.startsWith('x-')) this.pathItem(item, childPointer(pointer, name));
    }
  }

  private eachComponent(components: Json, section: string, check: (value: unknown, pointer: string) => void): void {
    const map = components[section];
    const pointer = `/components/${section}`;
    if (map === undefined) return;
    if (!isObject(map)) this.fail(pointer, 'must be an object');
    for (const [name, value] of Object.entries(map)) {
      if (!name.startsWith('x-')) check(value, childPointer(pointer, name));
    }
  }

  private pathItem(value: unknown, at: string): void {
    const target = this.target(value, at);
    if (target === undefined) return;
    const { value: item, pointer } = target;
    if (!isObject(item)) this.fail(pointer, 'a path item must be an object');
    this.parameterList(item['parameters'], childPointer(pointer, 'parameters'));
    this.servers(item['servers'], childPointer(pointer, 'servers'));
    for (const key of Object.keys(item)) {
      if (HTTP_METHODS.includes(key)) {
        this.operation(item[key], childPointer(pointer, key));
      } else if (!PATH_ITEM_KEYS.has(key) && !key.startsWith('x-')) {
        this.input.warnings.add({
          code: 'unknown-path-item-key',
          location: this.input.describe(childPointer(pointer, key)),
          message: 'not an OpenAPI 3.0/3.1 path item field (a misspelt method?); it is ignored, so no route is made for it',
        });
      }
    }
  }

  private operation(operation: unknown, pointer: string): void {
    if (!isObject(operation)) this.fail(pointer, 'an operation must be an object');
    const operationId = operation['operationId'];
    if (operationId !== undefined) {
      const at = childPointer(pointer, 'operationId');
      if (typeof operationId !== 'string') this.fail(at, '`operationId` must be a string');
      const first = this.operationIds.get(operationId);
      if (first !== undefined) {
        this.fail(at, `operationId "${operationId}" is not unique: it is also used at ${first}`);
      }
      this.operationIds.set(operationId, this.input.describe(at));
    }
    this.parameterList(operation['parameters'], childPointer(pointer, 'parameters'));
    if (operation['requestBody'] !== undefined) this.requestBody(operation['requestBody'], childPointer(pointer, 'requestBody'));
    const responses = operation['responses'];
    const responsesAt = childPointer(pointer, 'responses');
    if (responses === undefined) {
      if (this.input.version === '3.0') this.fail(responsesAt, '`responses` is required on every operation in OpenAPI 3.0');
    } else {
      if (!isObject(responses)) this.fail(responsesAt, '`responses` must be an object');
      for (const [status, response] of Object.entries(responses)) {
        if (!status.startsWith('x-')) this.response(response, childPointer(responsesAt, status));
      }
    }
    this.security(operation['security'], childPointer(pointer, 'security'));
    this.servers(operation['servers'], childPointer(pointer, 'servers'));
  }

  private parameterList(list: unknown, pointer: string): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) this.fail(pointer, '`parameters` must be an array');
    list.forEach((parameter, index) => this.parameter(parameter, childPointer(pointer, index)));
  }

  private parameter(value: unknown, at: string): void {
    const target = this.target(value, at);
    if (target === undefined) return;
    const { value: parameter, pointer } = target;
    if (!isObject(parameter)) this.fail(pointer, 'a parameter must be an object');
    const name = parameter['name'];
    if (typeof name !== 'string' || name === '') this.fail(childPointer(pointer, 'name'), 'a parameter needs a non-empty string `name`');
    const location = parameter['in'];
    if (typeof location !== 'string' || !PARAMETER_LOCATIONS.has(location)) {
      this.fail(childPointer(pointer, 'in'), 'a parameter needs `in`: query, header, path or cookie');
    }
  }

  private requestBody(value: unknown, at: string): void {
    const target = this.target(value, at);
    if (target === undefined) return;
    const { value: body, pointer } = target;
    if (!isObject(body)) this.fail(pointer, 'a request body must be an object');
    if (!isObject(body['content'])) this.fail(childPointer(pointer, 'content'), 'a request body needs a `content` object');
  }

  private response(value: unknown, at: string): void {
    const target = this.target(value, at);
    if (target === undefined) return;
    if (!isObject(target.value)) this.fail(target.pointer, 'a response must be an object');
  }

  private security(requirements: unknown, pointer: string): void {
    if (requirements === undefined) return;
    if (!Array.isArray(requirements)) this.fail(pointer, '`security` must be an array of security requirements');
    requirements.forEach((requirement, index) => {
      const at = childPointer(pointer, index);
      if (!isObject(requirement)) this.fail(at, 'a security requirement must be an object');
      for (const [scheme, scopes] of Object.entries(requirement)) {
        const schemeAt = childPointer(at, scheme);
        if (!this.schemeNames.has(scheme)) {
          this.fail(schemeAt, `security scheme "${scheme}" is not defined in components.securitySchemes`);
        }
        if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
          this.fail(schemeAt, 'a security requirement lists scopes or roles as an array of strings');
        }
      }
    });
  }

  private securityScheme(value: unknown, at: string): void {
    const target = this.target(value, at);
    if (target === undefined) return;
    const { value: scheme, pointer } = target;
    if (!isObject(scheme)) this.fail(pointer, 'a security scheme must be an object');
    const type = scheme['type'];
    const field = (name: string): string => childPointer(pointer, name);
    switch (type) {
      case 'apiKey':
        if (typeof scheme['in'] !== 'string' || !API_KEY_LOCATIONS.has(scheme['in'])) {
          this.fail(field('in'), 'an apiKey scheme needs `in`: header, query or cookie');
        }
        if (typeof scheme['name'] !== 'string' || scheme['name'] === '') this.fail(field('name'), 'an apiKey scheme needs a `name`');
        return;
      case 'http':
        if (typeof scheme['scheme'] !== 'string' || scheme['scheme'] === '') this.fail(field('scheme'), 'an http scheme needs a `scheme` (e.g. bearer, basic)');
        return;
      case 'oauth2':
        if (!isObject(scheme['flows'])) this.fail(field('flows'), 'an oauth2 scheme needs a `flows` object');
        return;
      case 'openIdConnect':
        if (typeof scheme['openIdConnectUrl'] !== 'string' || scheme['openIdConnectUrl'] === '') {
          this.fail(field('openIdConnectUrl'), 'an openIdConnect scheme needs an `openIdConnectUrl`');
        }
        return;
      case 'mutualTLS':
        if (this.input.version === '3.0') this.fail(field('type'), 'mutualTLS exists in OpenAPI 3.1 only');
        return;
      default:
        this.fail(field('type'), 'a security scheme needs `type`: apiKey, http, oauth2, openIdConnect or (3.1) mutualTLS');
    }
  }

  private servers(servers: unknown, pointer: string): void {
    if (servers === undefined) return;
    if (!Array.isArray(servers)) this.fail(pointer, '`servers` must be an array');
    servers.forEach((server, index) => {
      const at = childPointer(pointer, index);
      if (!isObject(server)) this.fail(at, 'a server must be an object');
      const url = server['url'];
      if (typeof url !== 'string') this.fail(childPointer(at, 'url'), 'a server needs a string `url`');
      const variables = server['variables'];
      if (variables !== undefined && !isObject(variables)) this.fail(childPointer(at, 'variables'), '`variables` must be an object');
      const used = [...url.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] as string);
      for (const name of used) {
        if (variables === undefined || !Object.hasOwn(variables, name)) {
          this.fail(childPointer(at, 'url'), `server variable "${name}" is used in the URL but not defined in \`variables\``);
        }
      }
      if (variables === undefined) return;
      for (const [name, variable] of Object.entries(variables)) {
        const variableAt = childPointer(childPointer(at, 'variables'), name);
        if (!isObject(variable) || typeof variable['default'] !== 'string') {
          this.fail(variableAt, 'a server variable needs a string `default`');
        }
      }
      if (used.length > 0) {
        this.input.warnings.add({
          code: 'server-variables',
          location: this.input.describe(at),
          message: 'the server URL has variables; only its path counts for routing, with each variable in the path taken at its `default` value',
        });
      }
    });
  }

  /**
   * Follows a `$ref` chain to the object it names. Returns undefined when that target was already
   * checked. The bundler has made every ref internal and checked that it resolves.
   */
  private target(value: unknown, pointer: string): { value: unknown; pointer: string } | undefined {
    let current = value;
    let at = pointer;
    for (let hops = 0; isObject(current) && typeof current['$ref'] === 'string'; hops++) {
      if (hops >= MAX_REF_HOPS) this.fail(at, `\`$ref\` chain longer than ${MAX_REF_HOPS} (a loop?)`);
      const ref = current['$ref'];
      const tokens = ref.startsWith('#') ? parseFragmentPointer(ref.slice(1)) : undefined;
      const resolved = tokens === undefined ? undefined : resolveTokens(this.input.root, tokens);
      if (tokens === undefined || resolved === undefined) this.fail(childPointer(at, '$ref'), '`$ref` target does not exist');
      current = resolved.value;
      at = formatPointer(tokens);
    }
    if (this.checked.has(at)) return undefined;
    this.checked.add(at);
    return { value: current, pointer: at };
  }

  private fail(pointer: string, message: string): never {
    throw new DocumentError(this.input.describe(pointer), message);
  }
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
