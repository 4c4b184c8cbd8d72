// ajv's documented entry point for the 2020-12 dialect (https://ajv.js.org/json-schema.html#draft-2020-12).
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { SchemaDirection } from './types.js';
import { EMPTY_ENUM_KEYWORD } from './validation-issues.js';

/**
 * ajv-formats is CommonJS: under NodeNext the default import is its `module.exports`, whose `default`
 * is the plugin (the package sets both).
 */
const addFormats = ajvFormats.default;

/** Format names ajv-formats validates (`date-time`, `uri-template`, `int32`, ...), read off an instance it set up. */
export const AJV_FORMAT_NAMES: ReadonlySet<string> = new Set(Object.keys(addFormats(new Ajv2020({ logger: false }), { mode: 'full' }).formats));

export interface AjvInstanceOptions {
  readonly direction: SchemaDirection;
  readonly formats: Readonly<Record<string, RegExp | ((value: string) => boolean)>>;
  /** Patterns the transform accepted without the `u` flag (and warned about); every other one gets `u`. */
  readonly legacyPatterns: ReadonlySet<string>;
}

/**
 * One Ajv2020 instance per direction, so a component schema reached from many operations is
 * compiled once per direction, and so `readOnly` / `writeOnly` can mean different things in each.
 */
export function createAjv(options: AjvInstanceOptions): Ajv2020 {
  const ajv = new Ajv2020({
    // The transform drops or reports every non-2020 keyword itself (see schema-transform.ts), so
    // ajv never meets an unknown keyword it would have to be strict about.
    strict: false,
    allowUnionTypes: true,
    // Stop at the first failure (plus the branch errors of anyOf/oneOf): the work per invalid
    // input is bounded by the schema, not by how much of the input is wrong, and a maxLength
    // failure stops the value before its pattern runs.
    allErrors: false,
    // `required: ['constructor']` must not be satisfied by Object.prototype, and a `properties`
    // entry named `toString` must not validate the inherited function.
    ownProperties: true,
    // Referenced schemas become functions of their own, compiled once and shared.
    inlineRefs: false,
    validateFormats: true,
    // Issues carry Portcullis's own fixed messages (validation-issues.ts); ajv's are never used.
    messages: false,
    logger: false,
    // The optimiser pass roughly doubled compile time and memory on GitHub's document.
    code: { regExp: regExpEngine(options.legacyPatterns), optimize: false },
  });
  addFormats(ajv, { mode: 'full', keywords: false });
  for (const [name, format] of Object.entries(options.formats)) ajv.addFormat(name, format);

  // The metadata vocabulary treats readOnly/writeOnly as annotations; here the one that matters
  // for this direction fails wherever its schema is applied to a present value.
  const refused = options.direction === 'request' ? 'readOnly' : 'writeOnly';
  ajv.removeKeyword(refused);
  ajv.addKeyword({ keyword: refused, schemaType: 'boolean', errors: false, validate: (flag: boolean) => !flag });
  // `enum: []` (Discord): nothing matches. Ajv refuses to compile an empty enum, so the transform
  // writes this keyword instead, reported to clients as `enum`.
  ajv.addKeyword({ keyword: EMPTY_ENUM_KEYWORD, schemaType: 'boolean', errors: false, validate: () => false });
  return ajv;
}

interface RegExpEngine {
  (pattern: string, flags: string): RegExp;
  code: string;
}

/**
 * Ajv compiles every pattern with `u`. A pattern the transform found invalid under `u` but valid
 * without it (DigitalOcean's `^[a-zA-Z0-9_\-\:]+$`) is compiled without `u` — only those, each one
 * reported as a warning. Anything else that fails still throws.
 */
function regExpEngine(legacyPatterns: ReadonlySet<string>): RegExpEngine {
  const engine = (pattern: string, flags: string): RegExp =>
    legacyPatterns.has(pattern) ? new RegExp(pattern, flags.replace('u', '')) : new RegExp(pattern, flags);
  // Only used by ajv's standalone code generation, which Portcullis does not use.
  engine.code = 'new RegExp';
  return engine;
}
