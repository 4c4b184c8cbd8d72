import type { Guard, GuardPhase } from '@portcullis/core';
import { MediaTypeMap } from '../body/media-type-map.js';
import type { LoadedDocument } from '../document/types.js';
import type { ResolvedOperationPolicy, ResolvedOptions } from '../options.js';
import { compileParameters, type ParameterValidator } from '../parameters/parameter-validator.js';
import { readParameters } from '../parameters/read-parameters.js';
import type { SchemaCompiler } from '../schema/schema-compiler.js';
import type { CompiledSchema } from '../schema/types.js';
import type { OperationSecurity } from '../security/requirements.js';
import type { OperationEntry } from './contract.js';
import { readRequestBody, type RequestMedia } from './request-body.js';
import { readResponses, type ResponseMedia, type ResponsesSpec } from './responses.js';

export interface CompiledRequestMedia extends RequestMedia {
  readonly schema: CompiledSchema | undefined;
}

export interface CompiledRequestBody {
  readonly required: boolean;
  readonly media: MediaTypeMap<CompiledRequestMedia>;
}

export interface CompiledResponseMedia extends ResponseMedia {
  readonly schema: CompiledSchema | undefined;
}

export interface CompiledResponse {
  readonly pointer: string;
  readonly media: MediaTypeMap<CompiledResponseMedia>;
}

/**
 * One operation at run time. Its validators compile on first use and are kept: `ready()` touches
 * them all (eager compilation), or the first request does (lazy); `checkContract()` compiles every
 * one, so a lazy policy's compile failures are still found before deploy.
 */
export class OperationRuntime {
  readonly entry: OperationEntry;
  readonly policy: ResolvedOperationPolicy | undefined;
  readonly security: OperationSecurity;
  /** The operation's extra guards (`operations.<id>.guards`), by phase. */
  readonly extraGuards: ReadonlyMap<GuardPhase, readonly Guard[]>;
  readonly #document: LoadedDocument;
  readonly #compiler: SchemaCompiler;
  readonly #options: ResolvedOptions;
  readonly #credentialQuery: ReadonlySet<string>;
  #parameters: ParameterValidator | undefined;
  #body: CompiledRequestBody | null | undefined;
  #responses: ReadonlyMap<string, CompiledResponse> | undefined;
  #responsesSpec: ResponsesSpec | undefined;

  constructor(
    entry: OperationEntry,
    document: LoadedDocument,
    compiler: SchemaCompiler,
    options: ResolvedOptions,
    policy: ResolvedOperationPolicy | undefined,
    security: OperationSecurity,
    extraGuards: ReadonlyMap<GuardPhase, readonly Guard[]>,
    credentialQuery: ReadonlySet<string>,
  ) {
    this.#credentialQuery = credentialQuery;
    this.entry = entry;
    this.#document = document;
    this.#compiler = compiler;
    this.#options = options;
    this.policy = policy;
    this.security = security;
    this.extraGuards = extraGuards;
  }

  get parameters(): ParameterValidator {
    this.#parameters ??= compileParameters(
      readParameters(this.#document, this.entry.template, this.entry.pathItemPointer, this.entry.operationPointer),
      this.#compiler,
      this.#document,
      { coercion: this.#options.coercion, unknownQuery: this.#options.unknownQuery, credentialQuery: this.#credentialQuery },
      this.#options.maxErrors,
    );
    return this.#parameters;
  }

  /** Undefined when the operation documents no request body. */
  get body(): CompiledRequestBody | undefined {
    if (this.#body === undefined) {
      const spec = readRequestBody(this.#document, this.entry.operationPointer);
      if (spec === undefined) this.#body = null;
      else {
        const media = new MediaTypeMap<CompiledRequestMedia>();
        for (const key of spec.media.keys) {
          const entry = exactEntry(spec.media, key);
          if (entry === undefined) continue;
          media.add(key, { ...entry, schema: entry.schemaPointer === undefined ? undefined : this.#compiler.compile(entry.schemaPointer, 'request') });
        }
        this.#body = { required: spec.required, media };
      }
    }
    return this.#body ?? undefined;
  }

  get responseSpec(): ResponsesSpec {
    this.#responsesSpec ??= readResponses(this.#document, this.entry.operationPointer);
    return this.#responsesSpec;
  }

  /** Compiled response validators, by the Response Object's pointer. */
  response(pointer: string): CompiledResponse | undefined {
    if (this.#responses === undefined) {
      const compiled = new Map<string, CompiledResponse>();
      const spec = this.responseSpec;
      for (const response of [...spec.byStatus.values(), ...spec.byRange.values(), ...(spec.fallback === undefined ? [] : [spec.fallback])]) {
        if (compiled.has(response.pointer)) continue;
        const media = new MediaTypeMap<CompiledResponseMedia>();
        for (const key of response.media.keys) {
          const entry = exactEntry(response.media, key);
          if (entry === undefined) continue;
          media.add(key, { ...entry, schema: entry.schemaPointer === undefined || entry.kind !== 'json' ? undefined : this.#compiler.compile(entry.schemaPointer, 'response') });
        }
        compiled.set(response.pointer, { pointer: response.pointer, media });
      }
      this.#responses = compiled;
    }
    return this.#responses.get(pointer);
  }

  /** Compiles everything this operation validates at run time. */
  compileAll(responses: boolean): void {
    void this.parameters;
    void this.body;
    if (responses) {
      const spec = this.responseSpec;
      const first = spec.byStatus.values().next().value ?? spec.fallback;
      if (first !== undefined) this.response(first.pointer);
    }
  }
}

/** The entry a media map holds for exactly this key (the map is built from the same keys). */
function exactEntry<T>(map: MediaTypeMap<T>, key: string): T | undefined {
  return map.entry(key);
}
