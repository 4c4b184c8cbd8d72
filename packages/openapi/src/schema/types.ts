/**
 * The contract of the schema compiler: OpenAPI schema objects in, validators out. A validator's
 * issues are safe to send to a client: pointers into the client's own input, keywords, and fixed
 * messages — never the input's values and never the schema.
 */

/** One reason an input does not match its schema. */
export interface ValidationIssue {
  /**
   * JSON pointer (RFC 6901) into what was validated, prefixed by where it came from:
   * `/body/items/0/name`, `/query/limit`, `/path/id`, `/header/x-rate`, `/cookie/session`.
   */
  readonly pointer: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `additionalProperties`, `readOnly`...). */
  readonly keyword: string;
  /** Fixed, safe text (`must be integer`, `must NOT have additional properties`); no input values. */
  readonly message: string;
}

/** Which side of the exchange a schema is validated for: `readOnly` is refused in requests, `writeOnly` in responses. */
export type SchemaDirection = 'request' | 'response';

export interface CompiledSchema {
  /**
   * Validates a value. Returns undefined when valid, else at most `maxIssues` issues whose pointers
   * are prefixed with `prefix` (e.g. `/body`).
   */
  validate(value: unknown, prefix: string): readonly ValidationIssue[] | undefined;
}
