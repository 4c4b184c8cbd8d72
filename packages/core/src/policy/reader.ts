import { PolicyError } from '../errors.js';

/**
 * Validation helpers used by every policy section and guard factory.
 *
 * Each reader names the full field path in its error, and none of them ever substitutes a
 * default for a value that is present but wrong: a typo in a security policy must fail start-up.
 * Unknown keys are errors too (`ipFilter.alow` is a typo, not an extension point).
 */
export type PolicyPath = string;

export function child(path: PolicyPath, key: string | number): PolicyPath {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Asserts a plain object whose keys are all in `allowed`. */
export function readObject(
  value: unknown,
  path: PolicyPath,
  allowed: readonly string[],
): Record<string, unknown> {
  if (!isPlainObject(value)) throw new PolicyError(path, `expected an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new PolicyError(child(path, key), `unknown option (expected one of: ${allowed.join(', ')})`);
    }
  }
  return value;
}

export function readOptionalObject(
  value: unknown,
  path: PolicyPath,
  allowed: readonly string[],
): Record<string, unknown> | undefined {
  return value === undefined ? undefined : readObject(value, path, allowed);
}

export function readBoolean(value: unknown, path: PolicyPath, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new PolicyError(path, `expected true or false, got ${describe(value)}`);
  return value;
}

export function readString(value: unknown, path: PolicyPath): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PolicyError(path, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function readOptionalString(value: unknown, path: PolicyPath): string | undefined {
  return value === undefined ? undefined : readString(value, path);
}

export interface IntegerBounds {
  readonly min: number;
  readonly max?: number;
}

export function readInteger(value: unknown, path: PolicyPath, bounds: IntegerBounds): number {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > max) {
    throw new PolicyError(
      path,
      `expected an integer from ${bounds.min} to ${max === Number.MAX_SAFE_INTEGER ? 'MAX_SAFE_INTEGER' : max}, got ${describe(value)}`,
    );
  }
  return value;
}

export function readOptionalInteger(
  value: unknown,
  path: PolicyPath,
  bounds: IntegerBounds,
): number | undefined {
  return value === undefined ? undefined : readInteger(value, path, bounds);
}

export function readNumber(value: unknown, path: PolicyPath, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new PolicyError(path, `expected a number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

export function readEnum<T extends string>(
  value: unknown,
  path: PolicyPath,
  allowed: readonly T[],
  fallback?: T,
): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new PolicyError(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function readArray(value: unknown, path: PolicyPath, options: { nonEmpty?: boolean } = {}): unknown[] {
  if (!Array.isArray(value)) throw new PolicyError(path, `expected an array, got ${describe(value)}`);
  if (options.nonEmpty === true && value.length === 0) throw new PolicyError(path, 'expected a non-empty array');
  return value;
}

export function readStringArray(value: unknown, path: PolicyPath, options: { nonEmpty?: boolean } = {}): string[] {
  return readArray(value, path, options).map((item, index) => readString(item, child(path, index)));
}

export function readFunction<T extends (...args: never[]) => unknown>(value: unknown, path: PolicyPath): T {
  if (typeof value !== 'function') throw new PolicyError(path, `expected a function, got ${describe(value)}`);
  return value as T;
}
